/**
 * deploy/k8s: every manifest validates against the Kubernetes schemas (kubernetes-models), the
 * adeline workloads probe the health endpoints and shut down within their grace period, the
 * shards agree with their configs, and the collector ConfigMaps embed otel-collector/k8s/*.yaml
 * verbatim.
 */
import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { ConfigSchema } from '../../src/config/schema.js';
import { COLLECTOR_IMAGE } from './collector-components.js';
import { at, listFiles, readText, readYamlDocuments } from './deploy-files.js';
import { schemaErrors, unknownFieldErrors, type Manifest } from './k8s-schema.js';

type Obj = Record<string, unknown>;

const MANIFESTS: Manifest[] = listFiles('deploy/k8s', /\.ya?ml$/).flatMap((file) =>
  readYamlDocuments(file).map((doc) => ({ file, doc: doc as Obj })),
);

function find(kind: string, name: string): Obj {
  const m = MANIFESTS.find((x) => x.doc['kind'] === kind && at(x.doc, 'metadata', 'name') === name);
  assert.ok(m, `${kind}/${name} is missing`);
  return m.doc;
}

function container(workload: Obj, name?: string): Obj {
  const list = at(workload, 'spec', 'template', 'spec', 'containers') as Obj[];
  const c = name ? list.find((x) => x['name'] === name) : list[0];
  assert.ok(c);
  return c;
}

/** Parses an adeline config with the service's own schema; fails on unknown keys too. */
function checkAdelineConfig(text: string, where: string) {
  const input = parse(text) as Obj;
  const result = ConfigSchema.safeParse(input);
  assert.ok(
    result.success,
    `${where}: ${result.success ? '' : JSON.stringify(result.error.issues)}`,
  );
  const unknown: string[] = [];
  const walk = (given: unknown, parsed: unknown, path: string): void => {
    if (given === null || typeof given !== 'object' || Array.isArray(given)) return;
    for (const [k, v] of Object.entries(given)) {
      const p = at(parsed, k);
      if (p === undefined) unknown.push(`${path}${k}`);
      else if (!Array.isArray(v)) walk(v, p, `${path}${k}.`);
    }
  };
  walk(input, result.data, '');
  assert.deepEqual(unknown, [], `${where}: keys the schema does not know`);
  return result.data;
}

describe('Kubernetes manifests', function () {
  // Type-checking against the schema interfaces loads several hundred declaration files.
  this.timeout(30_000);
  let fieldErrors: string[] = [];
  const BROKEN = 'broken.yaml';

  before(() => {
    const broken = structuredClone(find('Deployment', 'adeline'));
    const c = container(broken);
    c['imagePullPolcy'] = 'Always';
    fieldErrors = unknownFieldErrors([...MANIFESTS, { file: BROKEN, doc: broken }]);
  });

  it('finds the workloads, services, config maps and budgets', () => {
    const kinds = new Set(MANIFESTS.map((m) => m.doc['kind']));
    for (const k of [
      'Namespace',
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'Service',
      'ConfigMap',
      'PodDisruptionBudget',
      'ServiceAccount',
      'ClusterRole',
      'Role',
    ]) {
      assert.ok(kinds.has(k), `no ${k}`);
    }
  });

  it('validate against the Kubernetes JSON schemas', async () => {
    assert.deepEqual(await schemaErrors(MANIFESTS), []);
  });

  it('use no field that the Kubernetes schemas do not define', () => {
    assert.deepEqual(
      fieldErrors.filter((e) => !e.startsWith(BROKEN)),
      [],
    );
  });

  it('rejects a misspelt field and a wrongly typed value (the validators are real)', async () => {
    assert.deepEqual(
      fieldErrors.filter((e) => e.startsWith(BROKEN)),
      [
        `${BROKEN} Deployment: Object literal may only specify known properties, and '"imagePullPolcy"' does not exist in type 'IContainer'.`,
      ],
    );
    const bad = structuredClone(find('Deployment', 'adeline'));
    (bad['spec'] as Obj)['replicas'] = 'two';
    assert.deepEqual(await schemaErrors([{ file: BROKEN, doc: bad }]), [
      `${BROKEN} Deployment/adeline: data/spec/replicas must be integer`,
    ]);
  });

  describe('the adeline Deployment', () => {
    const dep = find('Deployment', 'adeline');
    const c = container(dep, 'adeline');
    const config = checkAdelineConfig(
      String(at(find('ConfigMap', 'adeline-config'), 'data', 'config.yaml')),
      'adeline-config',
    );

    it('probes liveness, readiness and startup on the health endpoints of the configured port', () => {
      assert.equal(at(c, 'livenessProbe', 'httpGet', 'path'), '/health/live');
      assert.equal(at(c, 'readinessProbe', 'httpGet', 'path'), '/health/ready');
      assert.equal(at(c, 'startupProbe', 'httpGet', 'path'), '/health/live');
      const port = (c['ports'] as Obj[]).find((p) => p['name'] === 'http');
      assert.equal(port?.['containerPort'], config.health.port);
      assert.equal(config.health.host, '0.0.0.0');
    });

    it('rolls out without taking the old pod down first', () => {
      assert.equal(at(dep, 'spec', 'strategy', 'rollingUpdate', 'maxUnavailable'), 0);
      assert.equal(
        at(dep, 'spec', 'replicas'),
        1,
        'two replicas would process the same cameras twice',
      );
    });

    it('gives the pod time for the preStop hook and the service grace period', () => {
      const sleep = Number((at(c, 'lifecycle', 'preStop', 'exec', 'command') as string[])[1]);
      const tgps = Number(at(dep, 'spec', 'template', 'spec', 'terminationGracePeriodSeconds'));
      assert.ok(sleep > 0);
      assert.ok(
        tgps >= sleep + config.shutdown.grace_period,
        `${tgps} s < preStop ${sleep} s + grace ${config.shutdown.grace_period} s`,
      );
      assert.ok(tgps <= sleep + config.shutdown.grace_period + 10, 'not much longer than needed');
    });

    it('runs non-root with a read-only root filesystem, resources and a writable spool', () => {
      assert.equal(at(dep, 'spec', 'template', 'spec', 'securityContext', 'runAsNonRoot'), true);
      assert.equal(at(c, 'securityContext', 'readOnlyRootFilesystem'), true);
      assert.equal(at(c, 'securityContext', 'allowPrivilegeEscalation'), false);
      assert.ok(at(c, 'resources', 'requests', 'cpu') && at(c, 'resources', 'limits', 'memory'));
      const mounts = c['volumeMounts'] as Obj[];
      assert.ok(
        mounts.some((m) => m['mountPath'] === config.spool.dir && m['readOnly'] !== true),
        'spool.dir is a writable volume',
      );
      assert.ok(
        mounts.some((m) => m['mountPath'] === '/tmp'),
        '/tmp is writable',
      );
    });

    it('is selected by its Service and PodDisruptionBudget', () => {
      const labels = at(dep, 'spec', 'template', 'metadata', 'labels') as Obj;
      for (const sel of [
        at(find('Service', 'adeline'), 'spec', 'selector'),
        at(find('PodDisruptionBudget', 'adeline'), 'spec', 'selector', 'matchLabels'),
      ]) {
        for (const [k, v] of Object.entries(sel as Obj))
          assert.equal(labels[k], v, `selector ${k}`);
      }
    });

    it('takes MQTT credentials from a Secret and sends telemetry to the node agent', () => {
      const env = c['env'] as Obj[];
      assert.equal(
        at(
          env.find((e) => e['name'] === 'MQTT_PASSWORD'),
          'valueFrom',
          'secretKeyRef',
          'name',
        ),
        'adeline-mqtt',
      );
      assert.equal(config.telemetry.otlp.endpoint, 'http://otel-agent:4318');
      assert.equal(at(find('Service', 'otel-agent'), 'spec', 'internalTrafficPolicy'), 'Local');
    });
  });

  describe('the sharded StatefulSet', () => {
    const sts = find('StatefulSet', 'adeline-shard');
    const data = at(find('ConfigMap', 'adeline-shards'), 'data') as Record<string, string>;

    it('has one valid config per replica, with source ids unique across shards', () => {
      const replicas = Number(at(sts, 'spec', 'replicas'));
      assert.deepEqual(
        Object.keys(data).sort(),
        Array.from({ length: replicas }, (_, i) => `shard-${i}.yaml`),
      );
      const ids = Object.entries(data).flatMap(([k, text]) =>
        checkAdelineConfig(text, k).pipeline.sources.map((s) => s.id),
      );
      assert.equal(new Set(ids).size, ids.length, `duplicate source ids ${ids.join(',')}`);
    });

    it('sends the telemetry of every shard to the node agent (the endpoint is set explicitly)', () => {
      // Without it a shard exports nothing (telemetry.otlp.endpoint defaults to none).
      for (const [k, text] of Object.entries(data))
        assert.equal(
          checkAdelineConfig(text, k).telemetry.otlp.endpoint,
          'http://otel-agent:4318',
          k,
        );
    });

    it('starts each pod on the config of its ordinal and keeps its spool on a volume claim', () => {
      const cmd = (container(sts)['command'] as string[]).join(' ');
      assert.match(cmd, /shard-\$\{HOSTNAME##\*-\}\.yaml/);
      assert.equal(at(sts, 'spec', 'volumeClaimTemplates', 0, 'metadata', 'name'), 'spool');
      assert.equal(
        at(sts, 'spec', 'serviceName'),
        at(find('Service', 'adeline-shard'), 'metadata', 'name'),
      );
      assert.equal(at(find('Service', 'adeline-shard'), 'spec', 'clusterIP'), 'None');
    });
  });

  describe('the collector tiers', () => {
    const tiers = [
      { kind: 'DaemonSet', name: 'otel-agent', file: 'otel-collector/k8s/agent.yaml' },
      { kind: 'Deployment', name: 'otel-gateway', file: 'otel-collector/k8s/gateway.yaml' },
      { kind: 'Deployment', name: 'otel-sampler', file: 'otel-collector/k8s/sampler.yaml' },
    ];

    for (const t of tiers) {
      it(`${t.name} embeds ${t.file} verbatim and defines every variable it expands`, () => {
        const text = String(at(find('ConfigMap', t.name), 'data', 'config.yaml'));
        assert.equal(text, readText(t.file), `regenerate the ConfigMap from ${t.file}`);
        const c = container(find(t.kind, t.name));
        assert.equal(c['image'], COLLECTOR_IMAGE);
        const env = new Set((c['env'] as Obj[]).map((e) => String(e['name'])));
        for (const m of text.matchAll(/\$\{env:(\w+)\}/g))
          assert.ok(env.has(String(m[1])), `${t.name} does not set ${m[1]}`);
        assert.equal(at(c, 'livenessProbe', 'httpGet', 'port'), 'health');
      });
    }

    it('lets the gateway watch the samplers behind a headless Service', () => {
      const gw = container(find('Deployment', 'otel-gateway'));
      const sampler = String(
        ((gw['env'] as Obj[]).find((e) => e['name'] === 'SAMPLER_SERVICE') ?? {})['value'],
      );
      const [svc, ns] = sampler.split('.');
      const service = find('Service', String(svc));
      assert.equal(at(service, 'metadata', 'namespace'), ns);
      assert.equal(at(service, 'spec', 'clusterIP'), 'None');
      const role = find('Role', 'otel-gateway');
      assert.deepEqual(at(role, 'rules', 0, 'resources'), ['endpointslices']);
      assert.equal(
        at(find('Deployment', 'otel-gateway'), 'spec', 'template', 'spec', 'serviceAccountName'),
        'otel-gateway',
      );
    });
  });
});

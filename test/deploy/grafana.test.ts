/**
 * Grafana provisioning, dashboards, Tempo and Loki configs: they parse, every data-source UID
 * they name exists, panel ids are unique, and the links between signals go both ways.
 */
import { strict as assert } from 'node:assert';
import { at, isRecord, listFiles, readText, readYaml } from './deploy-files.js';

const DATASOURCES = 'deploy/grafana/provisioning/datasources/datasources.yaml';
const BUILTIN_UIDS = new Set(['-- Grafana --', 'grafana']);

function datasources(): Record<string, unknown>[] {
  return at(readYaml(DATASOURCES), 'datasources') as Record<string, unknown>[];
}

/** Every value of a key named `key` anywhere in a parsed document. */
function valuesOf(doc: unknown, key: string): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isRecord(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === key) out.push(x);
        walk(x);
      }
    }
  };
  walk(doc);
  return out;
}

describe('Grafana, Tempo and Loki provisioning', () => {
  const uids = new Set(datasources().map((d) => String(d['uid'])));

  it('provisions Prometheus, Tempo, Loki and Alertmanager with unique UIDs', () => {
    assert.deepEqual([...uids].sort(), ['alertmanager', 'loki', 'prometheus', 'tempo']);
    assert.equal(uids.size, datasources().length);
    assert.equal(at(readYaml(DATASOURCES), 'apiVersion'), 1);
  });

  it('references only data-source UIDs that exist', () => {
    const refs = valuesOf(readYaml(DATASOURCES), 'datasourceUid').map(String);
    assert.ok(refs.length >= 6, `${refs.length} references`);
    for (const r of refs) assert.ok(uids.has(r), `datasourceUid ${r} does not exist`);
  });

  it('links every signal to the others: exemplar -> trace, trace -> logs and metrics, log -> trace', () => {
    const byUid = Object.fromEntries(datasources().map((d) => [d['uid'], d]));
    assert.deepEqual(at(byUid['prometheus'], 'jsonData', 'exemplarTraceIdDestinations', 0), {
      name: 'trace_id',
      datasourceUid: 'tempo',
      urlDisplayLabel: 'View frame trace',
    });
    assert.equal(at(byUid['tempo'], 'jsonData', 'tracesToLogsV2', 'datasourceUid'), 'loki');
    assert.match(
      String(at(byUid['tempo'], 'jsonData', 'tracesToLogsV2', 'query')),
      /trace_id="\$\$\{__trace\.traceId\}"/,
    );
    assert.equal(at(byUid['tempo'], 'jsonData', 'tracesToMetrics', 'datasourceUid'), 'prometheus');
    assert.equal(at(byUid['tempo'], 'jsonData', 'serviceMap', 'datasourceUid'), 'prometheus');
    const derived = at(byUid['loki'], 'jsonData', 'derivedFields', 0);
    assert.equal(at(derived, 'datasourceUid'), 'tempo');
    assert.equal(at(derived, 'matcherRegex'), 'trace_id');
    // Grafana expands $VAR in provisioning files: a literal ${...} must be written $${...}.
    for (const v of valuesOf(readYaml(DATASOURCES), 'url').concat(
      valuesOf(readYaml(DATASOURCES), 'query'),
    )) {
      assert.doesNotMatch(String(v), /(^|[^$])\$\{/, `unescaped \${ in ${String(v)}`);
    }
  });

  it('loads the dashboards folder that docker-compose.yml mounts', () => {
    const provider = at(
      readYaml('deploy/grafana/provisioning/dashboards/dashboards.yaml'),
      'providers',
      0,
    );
    assert.equal(at(provider, 'options', 'path'), '/var/lib/grafana/dashboards/adeline');
    assert.match(
      readText('docker-compose.yml'),
      /\.\/deploy\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards\/adeline:ro/,
    );
  });

  for (const file of listFiles('deploy/grafana/dashboards', /\.json$/)) {
    describe(file, () => {
      const dash = JSON.parse(readText(file)) as Record<string, unknown>;
      const panels: Record<string, unknown>[] = [];
      const collect = (list: unknown): void => {
        for (const p of (list ?? []) as Record<string, unknown>[]) {
          panels.push(p);
          collect(p['panels']);
        }
      };
      collect(dash['panels']);

      it('is a dashboard with a uid, a title and unique panel ids', () => {
        assert.match(String(dash['uid']), /^[a-z0-9-]{1,40}$/);
        assert.ok(dash['title']);
        const ids = panels.map((p) => p['id']);
        assert.ok(
          ids.every((id) => Number.isInteger(id)),
          'every panel has an integer id',
        );
        assert.equal(new Set(ids).size, ids.length, `duplicate panel ids in ${ids.join(',')}`);
      });

      it('uses only provisioned data sources', () => {
        for (const ds of valuesOf(dash, 'datasource')) {
          if (!isRecord(ds)) continue;
          const uid = String(ds['uid']);
          assert.ok(uids.has(uid) || BUILTIN_UIDS.has(uid), `data source uid ${uid}`);
        }
      });

      it('gives every panel a query or a row role, and lays panels out inside 24 columns', () => {
        for (const p of panels) {
          const g = p['gridPos'] as { x: number; w: number; h: number };
          assert.ok(g.x >= 0 && g.x + g.w <= 24 && g.h > 0, `panel ${String(p['id'])} gridPos`);
          if (p['type'] !== 'row')
            assert.ok(
              ((p['targets'] ?? []) as unknown[]).length > 0,
              `panel ${String(p['title'])} has no query`,
            );
        }
      });
    });
  }

  it('opens Grafana on the overview dashboard with anonymous viewer access', () => {
    const env = at(readYaml('docker-compose.yml'), 'services', 'grafana', 'environment') as Record<
      string,
      string
    >;
    assert.equal(env['GF_AUTH_ANONYMOUS_ENABLED'], 'true');
    assert.equal(env['GF_AUTH_ANONYMOUS_ORG_ROLE'], 'Viewer');
    const home = String(env['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH']);
    const file = home.replace('/var/lib/grafana/dashboards/adeline/', 'deploy/grafana/dashboards/');
    assert.equal(JSON.parse(readText(file)).uid, 'adeline-overview');
  });

  it('configures Tempo for OTLP in and a metrics-generator with exemplars, service graphs and span metrics', () => {
    const tempo = readYaml('deploy/tempo/tempo.yaml');
    assert.equal(
      at(tempo, 'distributor', 'receivers', 'otlp', 'protocols', 'grpc', 'endpoint'),
      '0.0.0.0:4317',
    );
    const rw = at(tempo, 'metrics_generator', 'storage', 'remote_write', 0);
    assert.equal(at(rw, 'url'), 'http://prometheus:9090/api/v1/write');
    assert.equal(at(rw, 'send_exemplars'), true);
    const processors = at(
      tempo,
      'overrides',
      'defaults',
      'metrics_generator',
      'processors',
    ) as string[];
    for (const p of ['service-graphs', 'span-metrics']) assert.ok(processors.includes(p), p);
    assert.equal(at(tempo, 'server', 'http_listen_port'), 3200);
  });

  it('configures Loki for OTLP with structured metadata', () => {
    const loki = readYaml('deploy/loki/loki.yaml');
    assert.equal(at(loki, 'limits_config', 'allow_structured_metadata'), true);
    assert.equal(
      at(loki, 'schema_config', 'configs', 0, 'schema'),
      'v13',
      'structured metadata needs the v13 schema',
    );
    assert.equal(at(loki, 'schema_config', 'configs', 0, 'store'), 'tsdb');
    assert.equal(at(loki, 'server', 'http_listen_port'), 3100);
    assert.equal(at(loki, 'auth_enabled'), false);
  });

  it('points the data sources at the compose services and ports', () => {
    const urls = Object.fromEntries(datasources().map((d) => [d['uid'], d['url']]));
    assert.deepEqual(urls, {
      prometheus: 'http://prometheus:9090',
      tempo: 'http://tempo:3200',
      loki: 'http://loki:3100',
      alertmanager: 'http://alertmanager:9093',
    });
  });
});

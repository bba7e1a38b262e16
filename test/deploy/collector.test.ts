/**
 * Structural checks of the OpenTelemetry Collector configs (no collector binary exists here):
 * every pipeline component is defined, every defined component is used, every type name is
 * valid for the pinned contrib version, and the sampling and span-metrics settings agree with
 * the telemetry schema.
 */
import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { ATTRS, SECONDS_BUCKETS, SPANS, SPAN_EVENTS } from '../../src/telemetry/schema.js';
import { collectorProblems, pipelinesOf, type Pipeline } from './collector-structure.js';
import { at, readText, readYaml } from './deploy-files.js';

const CONFIGS = [
  'otel-collector/config.yaml',
  'otel-collector/k8s/agent.yaml',
  'otel-collector/k8s/gateway.yaml',
  'otel-collector/k8s/sampler.yaml',
];

function load(file: string) {
  const raw = readYaml(file);
  return {
    raw,
    pipelines: pipelinesOf(raw),
    extensions: (at(raw, 'service', 'extensions') ?? []) as string[],
  };
}

interface MutableConfig {
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  service: { pipelines: Record<string, Pipeline> };
}

/** The compose config with one edit applied, for the bad-input cases. */
function mutated(edit: (cfg: MutableConfig) => void): unknown {
  const cfg = parse(readText('otel-collector/config.yaml')) as MutableConfig;
  edit(cfg);
  return cfg;
}

describe('OpenTelemetry Collector configs', () => {
  for (const file of CONFIGS) {
    describe(file, () => {
      const cfg = load(file);

      it('wires every pipeline component to a definition, uses every definition and names only valid types', () => {
        assert.deepEqual(collectorProblems(cfg.raw), []);
      });

      it('serves the health_check extension and its own metrics on 8888', () => {
        assert.ok(cfg.extensions.includes('health_check'));
        assert.equal(
          at(
            cfg.raw,
            'service',
            'telemetry',
            'metrics',
            'readers',
            0,
            'pull',
            'exporter',
            'prometheus',
            'port',
          ),
          8888,
        );
      });
    });
  }

  describe('the structural check', () => {
    it('rejects a pipeline that names an undefined exporter', () => {
      const bad = mutated((c) =>
        c['service']['pipelines']['logs']['exporters'].push('otlp_http/nowhere'),
      );
      assert.deepEqual(collectorProblems(bad), [
        'pipeline logs: exporter otlp_http/nowhere is not defined',
      ]);
    });

    it('rejects a defined processor that no pipeline uses', () => {
      const bad = mutated((c) => (c['processors']['transform/unused'] = {}));
      assert.deepEqual(collectorProblems(bad), ['processor transform/unused is in no pipeline']);
    });

    it('rejects deprecated and unknown component names', () => {
      const bad = mutated((c) => {
        c['exporters']['otlphttp/old'] = {};
        c['exporters']['lokii'] = {};
        c['service']['pipelines']['logs']['exporters'].push('otlphttp/old', 'lokii');
      });
      assert.deepEqual(collectorProblems(bad), [
        'exporters otlphttp/old: deprecated name, use otlp_http',
        'exporters lokii: "lokii" is not a exporter of otel/opentelemetry-collector-contrib:0.162.0',
      ]);
    });

    it('rejects a connector that feeds no pipeline and a pipeline without memory_limiter first', () => {
      const bad = mutated((c) => {
        c['service']['pipelines']['traces/sampled']['receivers'] = ['otlp'];
        c['service']['pipelines']['metrics']['processors'] = ['batch', 'memory_limiter'];
      });
      assert.deepEqual(collectorProblems(bad), [
        'pipeline metrics: memory_limiter must come first, not batch',
        'connector forward/sampling must export from one pipeline and receive in another',
      ]);
    });
  });

  describe('the compose collector (agent and tail sampling in one)', () => {
    const cfg = load('otel-collector/config.yaml');

    it('receives OTLP over gRPC and HTTP and scrapes the service on its health port', () => {
      assert.ok(at(cfg.raw, 'receivers', 'otlp', 'protocols', 'grpc'));
      assert.ok(at(cfg.raw, 'receivers', 'otlp', 'protocols', 'http'));
      const targets = at(
        cfg.raw,
        'receivers',
        'prometheus',
        'config',
        'scrape_configs',
        0,
        'static_configs',
        0,
        'targets',
      );
      assert.deepEqual(targets, ['adeline:8080']);
      assert.equal(
        at(cfg.raw, 'receivers', 'prometheus', 'config', 'scrape_configs', 0, 'job_name'),
        'adeline',
      );
    });

    it('computes span metrics from the unsampled traces and samples only downstream', () => {
      const spanPipes = Object.entries(cfg.pipelines).filter(([, p]) =>
        p.exporters.includes('span_metrics'),
      );
      const samplePipes = Object.entries(cfg.pipelines).filter(([, p]) =>
        p.processors.includes('tail_sampling'),
      );
      assert.equal(spanPipes.length, 1);
      assert.equal(samplePipes.length, 1);
      const [[, spanPipe]] = spanPipes as [[string, Pipeline]];
      const [[, samplePipe]] = samplePipes as [[string, Pipeline]];
      assert.deepEqual(spanPipe.receivers, ['otlp'], 'span metrics see the traces as received');
      assert.ok(!spanPipe.processors.includes('tail_sampling'));
      const handoff = spanPipe.exporters.find((e) => e.startsWith('forward'));
      assert.ok(
        handoff && samplePipe.receivers.includes(handoff),
        'the sampling pipeline is fed by the span-metrics pipeline',
      );
    });

    it('exports traces to Tempo over OTLP, logs to Loki OTLP and metrics to the Prometheus OTLP receiver', () => {
      assert.equal(at(cfg.raw, 'exporters', 'otlp_grpc/tempo', 'endpoint'), 'tempo:4317');
      assert.equal(at(cfg.raw, 'exporters', 'otlp_http/loki', 'endpoint'), 'http://loki:3100/otlp');
      assert.equal(
        at(cfg.raw, 'exporters', 'otlp_http/prometheus', 'endpoint'),
        'http://prometheus:9090/api/v1/otlp',
      );
      assert.deepEqual(cfg.pipelines['logs']?.exporters, ['otlp_http/loki']);
    });

    it('redacts secrets and PII in resource, attribute and value form', () => {
      for (const p of ['traces', 'logs']) {
        const procs = cfg.pipelines[p]?.processors ?? [];
        for (const x of ['resource/redact', 'attributes/redact', 'redaction'])
          assert.ok(procs.includes(x), `${p} lacks ${x}`);
      }
      const pattern = String(
        at(cfg.raw, 'processors', 'attributes/redact', 'actions', 0, 'pattern'),
      );
      const re = new RegExp(pattern.replace('(?i)', ''), 'i');
      for (const key of [
        'mqtt.password',
        'http.request.header.authorization',
        'api_key',
        'OTLP_TOKEN',
      ])
        assert.match(key, re);
      assert.doesNotMatch(ATTRS.sourceId.name, re);
      const [urlCreds] = at(cfg.raw, 'processors', 'redaction', 'blocked_values') as string[];
      assert.match('rtsp://admin:hunter2@camera-01:554/stream', new RegExp(String(urlCreds)));
      assert.doesNotMatch('rtsp://camera-01:554/stream', new RegExp(String(urlCreds)));
    });
  });

  for (const file of ['otel-collector/config.yaml', 'otel-collector/k8s/sampler.yaml']) {
    it(`${file} keeps error, slow, resilience-event, dropped and baseline traces`, () => {
      const policies = at(readYaml(file), 'processors', 'tail_sampling', 'policies') as Record<
        string,
        unknown
      >[];
      const byType = (t: string) => policies.filter((p) => p['type'] === t);
      assert.deepEqual(at(byType('status_code')[0], 'status_code', 'status_codes'), ['ERROR']);
      assert.equal(at(byType('latency')[0], 'latency', 'threshold_ms'), 500);
      assert.ok(Number(at(byType('probabilistic')[0], 'probabilistic', 'sampling_percentage')) > 0);
      assert.equal(
        at(byType('boolean_attribute')[0], 'boolean_attribute', 'key'),
        ATTRS.frameDropped.name,
      );
      const conditions = byType('ottl_condition');
      const eventRule = String(
        at(
          conditions.find((c) => at(c, 'ottl_condition', 'spanevent')),
          'ottl_condition',
          'spanevent',
          0,
        ),
      );
      const regex = /IsMatch\(name, "([^"]+)"\)/.exec(eventRule)?.[1];
      assert.ok(regex, `no span event regex in ${eventRule}`);
      for (const ev of Object.values(SPAN_EVENTS))
        assert.match(ev, new RegExp(regex), `span event ${ev} would not be kept`);
      const spanRule = String(
        at(
          conditions.find((c) => at(c, 'ottl_condition', 'span')),
          'ottl_condition',
          'span',
          0,
        ),
      );
      for (const m of spanRule.matchAll(/name == "([^"]+)"/g)) {
        assert.ok(
          Object.values(SPANS).some((s) => s.name === m[1]),
          `span ${m[1]} is not in SPANS`,
        );
      }
    });
  }

  for (const file of ['otel-collector/config.yaml', 'otel-collector/k8s/agent.yaml']) {
    it(`${file} computes span metrics in seconds, with exemplars and the service's buckets`, () => {
      const sm = at(readYaml(file), 'connectors', 'span_metrics');
      assert.equal(
        at(sm, 'namespace'),
        'traces.span.metrics',
        'test/deploy/known-metrics.ts assumes this namespace',
      );
      assert.equal(at(sm, 'histogram', 'unit'), 's');
      assert.equal(at(sm, 'exemplars', 'enabled'), true);
      const buckets = (at(sm, 'histogram', 'explicit', 'buckets') as string[]).map((b) => {
        const m = /^([\d.]+)(ms|s)$/.exec(String(b));
        assert.ok(m, `bucket ${b}`);
        return Number(m[1]) / (m[2] === 'ms' ? 1000 : 1);
      });
      assert.deepEqual(buckets, [...SECONDS_BUCKETS]);
      for (const d of at(sm, 'dimensions') as { name: string }[]) {
        assert.ok(
          Object.values(ATTRS).some((a) => a.name === d.name),
          `dimension ${d.name} is not in ATTRS`,
        );
      }
    });
  }

  it('routes traces by trace ID from the gateway to the tail-sampling collectors', () => {
    const gw = readYaml('otel-collector/k8s/gateway.yaml');
    assert.equal(at(gw, 'exporters', 'load_balancing', 'routing_key'), 'traceID');
    assert.ok(at(gw, 'exporters', 'load_balancing', 'resolver', 'k8s', 'service'));
    assert.equal(
      at(gw, 'exporters', 'load_balancing', 'protocol', 'otlp', 'endpoint'),
      undefined,
      'the resolver fills the endpoint',
    );
    const agent = load('otel-collector/k8s/agent.yaml');
    assert.ok(agent.pipelines['traces']?.exporters.includes('otlp_grpc/gateway'));
    assert.ok(
      !readText('otel-collector/k8s/agent.yaml').includes('tail_sampling:'),
      'agents must not sample: they see partial traces',
    );
  });
});

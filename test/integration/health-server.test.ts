import { strict as assert } from 'node:assert';
import { connect, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { HealthCheck, HealthStatus } from '../../src/domain/health.js';
import { isAdelineError } from '../../src/domain/errors.js';
import { HealthRegistry } from '../../src/health/registry.js';
import { HealthServer, type HealthServerOptions } from '../../src/health/server.js';
import type { HealthReader } from '../../src/health/http-app.js';
import { resetMetricInstruments } from '../../src/telemetry/metrics.js';
import { freePort } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { captureLogs } from '../unit/health-fakes.js';

const statuses = new Map<string, HealthStatus>();
const check = (name: string, extra: Partial<HealthCheck> = {}): HealthCheck => ({
  name,
  intervalMs: 60_000,
  ...extra,
  run: () =>
    Promise.resolve({
      status: statuses.get(name) ?? 'healthy',
      message: `${name} says ${statuses.get(name) ?? 'healthy'}`,
      details: { n: 1 },
    }),
});

describe('HealthServer endpoints', function () {
  this.timeout(20_000);
  let registry: HealthRegistry;
  let server: HealthServer;
  let base: string;
  let exporter: PrometheusExporter;
  let provider: MeterProvider;
  const logs = captureLogs();

  async function startServer(opts: Partial<HealthServerOptions> = {}): Promise<HealthServer> {
    const s = new HealthServer({
      registry,
      host: '127.0.0.1',
      port: 0,
      logger: logs.logger,
      version: '9.9.9',
      ...opts,
    });
    await s.start();
    return s;
  }

  before(async () => {
    exporter = new PrometheusExporter({ preventServerStart: true });
    provider = new MeterProvider({ readers: [exporter] });
    metrics.disable();
    metrics.setGlobalMeterProvider(provider);
    resetMetricInstruments();
    registry = new HealthRegistry({ logger: logs.logger });
    registry.register(check('loop', { liveness: true }));
    registry.register(check('mqtt_data'));
    await registry.start();
    await registry.runNow();
    server = await startServer({
      metricsHandler: (req, res) => exporter.getMetricsRequestHandler(req, res),
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.stop();
    await registry.stop();
    metrics.disable();
    resetMetricInstruments();
    await provider.shutdown();
  });
  beforeEach(async () => {
    statuses.clear();
    registry.setShuttingDown(false);
    await registry.runNow();
  });

  it('binds a free port when health.port is 0 and reports it', () => {
    assert.ok(server.port > 0);
    assert.equal(server.metricsPort, null);
  });

  it('answers GET /health with the plain status, 200 unless unhealthy', async () => {
    let r = await fetch(`${base}/health`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await r.text(), 'healthy');
    statuses.set('mqtt_data', 'degraded');
    await registry.runNow();
    r = await fetch(`${base}/health`);
    assert.deepEqual([r.status, await r.text()], [200, 'degraded']);
    statuses.set('mqtt_data', 'unhealthy');
    await registry.runNow();
    r = await fetch(`${base}/health`);
    assert.deepEqual([r.status, await r.text()], [503, 'unhealthy']);
  });

  it('answers GET /health/detailed with the seed JSON shape', async () => {
    statuses.set('mqtt_data', 'degraded');
    await registry.runNow();
    const r = await fetch(`${base}/health/detailed`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const body = (await r.json()) as Record<string, unknown> & {
      checks: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(Object.keys(body).sort(), [
      'checks',
      'shutting_down',
      'status',
      'timestamp',
      'uptime_s',
      'version',
    ]);
    assert.equal(body.status, 'degraded');
    assert.equal(body.version, '9.9.9');
    assert.ok(Math.abs((body.timestamp as number) - Date.now() / 1000) < 60);
    assert.equal(typeof body.uptime_s, 'number');
    const m = body.checks.mqtt_data;
    assert.equal(m?.status, 'degraded');
    assert.equal(m?.message, 'mqtt_data says degraded');
    assert.deepEqual(m?.details, { n: 1 });
    assert.equal(typeof m?.duration_ms, 'number');
    assert.ok(Math.abs((m?.checked_at as number) - Date.now() / 1000) < 60);
  });

  it('answers /health/live from liveness checks and /health/ready from readiness checks', async () => {
    statuses.set('mqtt_data', 'unhealthy');
    await registry.runNow();
    const live = await fetch(`${base}/health/live`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { status: 'healthy', checks: { loop: 'healthy' } });
    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), {
      status: 'unhealthy',
      checks: { loop: 'healthy', mqtt_data: 'unhealthy' },
      shutting_down: false,
    });
  });

  it('keeps /health/ready at 200 when a check is only degraded', async () => {
    statuses.set('mqtt_data', 'degraded');
    await registry.runNow();
    const r = await fetch(`${base}/health/ready`);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { status: string }).status, 'degraded');
  });

  it('fails /health/ready at once when shutting down while /health/live stays 200', async () => {
    registry.setShuttingDown();
    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { shutting_down: boolean }).shutting_down, true);
    assert.equal((await fetch(`${base}/health/live`)).status, 200);
  });

  it('answers HEAD on the probe endpoints with the status and no body', async () => {
    const r = await fetch(`${base}/health/ready`, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '');
    registry.setShuttingDown();
    assert.equal((await fetch(`${base}/health/ready`, { method: 'HEAD' })).status, 503);
  });

  it('serves the Prometheus exporter on /metrics, health gauges included', async () => {
    statuses.set('mqtt_data', 'unhealthy');
    await registry.runNow();
    const r = await fetch(`${base}/metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /adeline_health_status\{check="mqtt_data"[^}]*\} 2\n/);
    assert.match(text, /adeline_health_status\{check="loop"[^}]*\} 0\n/);
  });

  it('answers an unknown path with a JSON 404 naming the path', async () => {
    const r = await fetch(`${base}/nope?x=1`);
    assert.equal(r.status, 404);
    assert.deepEqual(await r.json(), { error: 'not_found', path: '/nope' });
  });

  it('answers a path with bad percent-encoding with a JSON 404', async () => {
    const r = await fetch(`${base}/health%ZZ%E0%A4%A`);
    assert.equal(r.status, 404);
    assert.equal(((await r.json()) as { error: string }).error, 'not_found');
  });

  it('rejects a wrong method with a JSON 405 and an Allow header', async () => {
    const r = await fetch(`${base}/health/ready`, { method: 'POST', body: 'x' });
    assert.equal(r.status, 405);
    assert.match(r.headers.get('allow') ?? '', /GET/);
    assert.equal(((await r.json()) as { error: string }).error, 'method_not_allowed');
  });

  it('answers a failing handler with a JSON 500 that leaks no stack or message', async () => {
    const broken: HealthReader = {
      overall: () => {
        throw new Error('secret internals at /srv/app.js:12');
      },
      live: () => registry.live(),
      ready: () => registry.ready(),
      isShuttingDown: () => false,
    };
    const s = await startServer({ registry: broken });
    try {
      const r = await fetch(`http://127.0.0.1:${s.port}/health/detailed`);
      assert.equal(r.status, 500);
      const text = await r.text();
      assert.deepEqual(JSON.parse(text), { error: 'internal_error' });
      assert.doesNotMatch(text, /secret|\.js:|at /);
      assert.ok(
        logs.lines.some(
          (l) => l.event === 'http_request_failed' && String(l.error).includes('secret'),
        ),
      );
    } finally {
      await s.stop();
    }
  });

  it('answers /metrics with a JSON 503 when telemetry is disabled', async () => {
    const s = await startServer();
    try {
      const r = await fetch(`http://127.0.0.1:${s.port}/metrics`);
      assert.equal(r.status, 503);
      assert.equal(((await r.json()) as { error: string }).error, 'metrics_unavailable');
    } finally {
      await s.stop();
    }
  });

  it('serves /metrics on a second port when telemetry.metrics.port is set', async () => {
    const s = await startServer({
      metricsPort: 0,
      metricsHandler: (_req, res) => void res.end('# ok\n'),
    });
    try {
      assert.ok(s.metricsPort !== null && s.metricsPort !== s.port);
      assert.equal(
        await (await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`)).text(),
        '# ok\n',
      );
      assert.equal((await fetch(`http://127.0.0.1:${s.metricsPort}/health`)).status, 404);
    } finally {
      await s.stop();
    }
    assert.equal(s.metricsPort, null);
  });

  it('fails with ADELINE_ERR_HTTP_LISTEN and the fix when the port is taken', async () => {
    const port = await freePort();
    const squatter: NetServer = createNetServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      const s = new HealthServer({ registry, host: '127.0.0.1', port, logger: logs.logger });
      await assert.rejects(s.start(), (err: unknown) => {
        assert.ok(isAdelineError(err, 'ADELINE_ERR_HTTP_LISTEN'));
        assert.match(
          err.message,
          new RegExp(`127\\.0\\.0\\.1:${port}: the address is in use.*health\\.port`),
        );
        return true;
      });
      await s.stop();
    } finally {
      squatter.close();
    }
  });

  it('closes open keep-alive sockets on stop() and stops idempotently', async () => {
    const s = await startServer();
    const sock = connect(s.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.on('data', () => undefined);
    sock.write('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    const t0 = Date.now();
    await waitFor(() => sock.bytesRead > 0, { timeoutMs: 5000, what: 'a response' });
    await s.stop();
    await s.stop();
    await waitFor(() => closed, { timeoutMs: 2000, what: 'the keep-alive socket to close' });
    assert.ok(Date.now() - t0 < 2000);
  });

  it('rejects a bad port, host, registry or timeout pair', () => {
    const ok = { registry, host: '127.0.0.1', port: 0 };
    assert.throws(() => new HealthServer({ ...ok, port: 70_000 }), RangeError);
    assert.throws(() => new HealthServer({ ...ok, port: '80' as never }), TypeError);
    assert.throws(() => new HealthServer({ ...ok, host: '' }), TypeError);
    assert.throws(() => new HealthServer({ ...ok, registry: {} as never }), TypeError);
    assert.throws(() => new HealthServer({ ...ok, port: 9000, metricsPort: 9000 }), RangeError);
    assert.throws(
      () => new HealthServer({ ...ok, headersTimeoutMs: 5000, requestTimeoutMs: 1000 }),
      RangeError,
    );
  });
});

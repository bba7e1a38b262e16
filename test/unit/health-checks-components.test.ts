import { strict as assert } from 'node:assert';
import { ModelCheck } from '../../src/health/checks/model.js';
import { MqttPlaneCheck, type PlaneHealth } from '../../src/health/checks/mqtt-plane.js';
import { SourceCheck, type SourceHealthStatus } from '../../src/health/checks/source.js';
import { TelemetryExportCheck } from '../../src/health/checks/telemetry-export.js';
import type { BreakerState } from '../../src/health/checks/types.js';
import { FakeTime } from './health-fakes.js';

describe('ModelCheck', () => {
  let time: FakeTime;
  let probeMs: number | Error;
  let probes: number;
  let breaker: BreakerState;
  let loaded: boolean;
  const make = (extra: Partial<ConstructorParameters<typeof ModelCheck>[0]> = {}) =>
    new ModelCheck({
      probe: () => {
        probes++;
        return probeMs instanceof Error ? Promise.reject(probeMs) : Promise.resolve(probeMs);
      },
      breakerState: () => breaker,
      loaded: () => loaded,
      slowMs: 100,
      probeIntervalMs: 30_000,
      intervalMs: 1000,
      now: () => time.monotonic(),
      timers: time,
      ...extra,
    });
  beforeEach(() => {
    time = new FakeTime();
    probeMs = 12;
    probes = 0;
    breaker = 'closed';
    loaded = true;
  });

  it('is healthy when the probe answers within slow_inference_ms', async () => {
    const r = await make().run();
    assert.equal(r.status, 'healthy');
    assert.equal(r.details?.probe_ms, 12);
  });

  it('is degraded when the probe is slower than slow_inference_ms', async () => {
    probeMs = 100.5;
    const r = await make().run();
    assert.equal(r.status, 'degraded');
    assert.match(r.message, /slow inference: 100\.5 ms > 100 ms/);
  });

  it('probes only every model_probe_interval_ms and reuses the last result in between', async () => {
    const c = make();
    await c.run();
    await time.advance(29_000);
    probeMs = 500;
    assert.equal((await c.run()).status, 'healthy');
    assert.equal(probes, 1);
    await time.advance(1000);
    assert.equal((await c.run()).status, 'degraded');
    assert.equal(probes, 2);
  });

  it('is unhealthy with the message when the probe fails, and probes again on the next run', async () => {
    const c = make();
    probeMs = new Error('worker crashed');
    const r = await c.run();
    assert.equal(r.status, 'unhealthy');
    assert.match(r.message, /probe inference failed: worker crashed/);
    probeMs = 10;
    assert.equal((await c.run()).status, 'healthy');
    assert.equal(probes, 2);
  });

  it('is unhealthy at once when the breaker is open, without probing', async () => {
    const c = make();
    await c.run();
    breaker = 'open';
    const r = await c.run();
    assert.equal(r.status, 'unhealthy');
    assert.match(r.message, /breaker is open/);
    assert.equal(probes, 1);
    breaker = 'half-open';
    assert.equal((await c.run()).status, 'degraded');
    breaker = 'closed';
    assert.equal((await c.run()).status, 'healthy');
  });

  it('is unhealthy while the model is not loaded', async () => {
    loaded = false;
    assert.equal((await make().run()).message, 'model not loaded');
    assert.equal(probes, 0);
  });

  it('is unhealthy when the probe does not answer within probeTimeoutMs, without a second probe', async () => {
    let release: (ms: number) => void = () => undefined;
    const c = make({
      probeTimeoutMs: 2000,
      probe: () => (probes++, new Promise<number>((r) => (release = r))),
    });
    const first = c.run();
    await time.advance(2000);
    const r = await first;
    assert.equal(r.status, 'unhealthy');
    assert.match(r.message, /did not answer within 2000 ms/);
    assert.equal((await c.run()).status, 'unhealthy');
    assert.equal(probes, 1);
    release(20);
    await time.advance(0);
    assert.equal((await c.run()).status, 'healthy');
  });

  it('rejects a probe result that is not a duration', async () => {
    probeMs = Number.NaN;
    const r = await make().run();
    assert.equal(r.status, 'unhealthy');
    assert.match(r.message, /not a duration/);
  });

  it('rejects a missing probe and a zero slow threshold', () => {
    assert.throws(() => make({ probe: undefined as never }), TypeError);
    assert.throws(() => make({ slowMs: 0 }), RangeError);
  });
});

describe('MqttPlaneCheck', () => {
  const spool = (bytes: number, extra = {}) => ({
    messages: bytes / 10,
    bytes,
    maxBytes: 1000,
    ...extra,
  });
  const run = (s: PlaneHealth, opts = {}) =>
    new MqttPlaneCheck({ status: () => s, intervalMs: 1000, ...opts }).run();

  it('is healthy when connected, also while replaying the spool', async () => {
    assert.equal((await run({ connection: 'connected', breaker: 'closed' })).status, 'healthy');
    const r = await run({ connection: 'connected', breaker: 'closed', spool: spool(100) });
    assert.equal(r.status, 'healthy');
    assert.match(r.message, /replaying 10 spooled messages/);
  });

  it('is degraded when the broker is down but the spool takes the messages', async () => {
    const r = await run({
      connection: 'reconnecting',
      lastError: 'ECONNREFUSED',
      spool: spool(100),
    });
    assert.equal(r.status, 'degraded');
    assert.match(r.message, /broker reconnecting: ECONNREFUSED; spooling/);
    assert.equal(
      (await run({ connection: 'connected', breaker: 'open', spool: spool(0) })).status,
      'degraded',
    );
  });

  it('is degraded when the spool is full', async () => {
    const r = await run({ connection: 'disconnected', spool: spool(1000) });
    assert.equal(r.status, 'degraded');
    assert.match(r.message, /spool full/);
    assert.equal(
      (await run({ connection: 'connected', spool: spool(10, { full: true }) })).status,
      'degraded',
    );
  });

  it('is unhealthy with the broker message when the credentials are refused', async () => {
    const r = await run({
      connection: 'auth_failed',
      lastError: 'Not authorized',
      spool: spool(0),
    });
    assert.equal(r.status, 'unhealthy');
    assert.match(r.message, /refused the credentials: Not authorized/);
  });

  it('reports whenDisconnected when nothing spools', async () => {
    assert.equal((await run({ connection: 'disconnected' })).status, 'unhealthy');
    const ctl = await run(
      { connection: 'disconnected' },
      { name: 'mqtt_control', whenDisconnected: 'degraded' },
    );
    assert.equal(ctl.status, 'degraded');
  });

  it('rejects a bad whenDisconnected and a missing getter', () => {
    assert.throws(
      () =>
        new MqttPlaneCheck({
          status: () => ({ connection: 'connected' }),
          intervalMs: 1,
          whenDisconnected: 'ok' as never,
        }),
      RangeError,
    );
    assert.throws(() => new MqttPlaneCheck({ status: 'x' as never, intervalMs: 1 }), TypeError);
  });
});

describe('SourceCheck', () => {
  const now = 100_000;
  const st = (
    state: SourceHealthStatus['state'],
    extra: Partial<SourceHealthStatus> = {},
  ): SourceHealthStatus => ({
    state,
    sinceMs: now - 1000,
    framesRead: 42,
    lastFrameAtMs: now - 40,
    reconnects: 0,
    ...extra,
  });
  const run = (s: SourceHealthStatus, stallAfterMs?: () => number | null) =>
    new SourceCheck({
      sourceId: 3,
      status: () => s,
      intervalMs: 1000,
      now: () => now,
      stallAfterMs,
    }).run();

  it('maps each source state to healthy, degraded or unhealthy', async () => {
    const expect = {
      delivering: 'healthy',
      backpressured: 'healthy',
      paused: 'healthy',
      ended: 'healthy',
      connecting: 'degraded',
      reconnecting: 'degraded',
      stalled: 'unhealthy',
      failed: 'unhealthy',
    } as const;
    for (const [state, status] of Object.entries(expect)) {
      const r = await run(st(state as SourceHealthStatus['state'], { lastError: 'boom' }));
      assert.equal(r.status, status, state);
      assert.equal(r.details?.state, state);
    }
  });

  it('does not call a backpressured source stalled, however old its last frame', async () => {
    const r = await run(st('backpressured', { lastFrameAtMs: now - 60_000 }), () => 2000);
    assert.equal(r.status, 'healthy');
    assert.match(r.message, /not stalled/);
  });

  it('calls a delivering source stalled when its last frame is older than stallAfterMs', async () => {
    assert.equal(
      (await run(st('delivering', { lastFrameAtMs: now - 2000 }), () => 2000)).status,
      'healthy',
    );
    const r = await run(st('delivering', { lastFrameAtMs: now - 2001 }), () => 2000);
    assert.equal(r.status, 'unhealthy');
    assert.equal(r.details?.state, 'stalled');
  });

  it('names itself after the source and reports the details', async () => {
    const c = new SourceCheck({
      sourceId: 7,
      status: () => st('reconnecting', { reconnects: 4 }),
      intervalMs: 1000,
      now: () => now,
    });
    assert.equal(c.name, 'source_7');
    const r = await c.run();
    assert.match(r.message, /reconnecting \(attempt 4\)/);
    assert.equal(r.details?.last_frame_age_ms, 40);
  });

  it('reports an unknown state as unhealthy and rejects a bad source id', async () => {
    assert.equal((await run(st('exploded' as never))).status, 'unhealthy');
    assert.throws(
      () => new SourceCheck({ sourceId: -1, status: () => st('ended'), intervalMs: 1 }),
      RangeError,
    );
    assert.throws(
      () => new SourceCheck({ sourceId: 1.5, status: () => st('ended'), intervalMs: 1 }),
      TypeError,
    );
  });
});

describe('TelemetryExportCheck', () => {
  const run = (stats: ConstructorParameters<typeof TelemetryExportCheck>[0]['stats']) =>
    new TelemetryExportCheck({ stats, intervalMs: 1000 }).run();

  it('is degraded, never unhealthy, while exports fail', async () => {
    const r = await run(() => ({
      enabled: true,
      failing: true,
      lastError: 'ECONNREFUSED 127.0.0.1:4318',
      failures: 9,
    }));
    assert.equal(r.status, 'degraded');
    assert.match(r.message, /ECONNREFUSED/);
    assert.equal(r.details?.failures, 9);
  });

  it('is healthy when exports work or telemetry is off', async () => {
    assert.equal((await run(() => ({ enabled: true, failing: false }))).status, 'healthy');
    const off = await run(() => ({ enabled: false, failing: true }));
    assert.equal(off.status, 'healthy');
    assert.equal(off.message, 'telemetry disabled');
  });

  it('is healthy, and says how to export, when no collector is configured', async () => {
    const r = await run(() => ({ enabled: true, configured: false, failing: false }));
    assert.equal(r.status, 'healthy');
    assert.equal(r.message, 'no collector configured; set OTEL_EXPORTER_OTLP_ENDPOINT');
    assert.equal(r.details?.configured, false);
  });
});

describe('every check (CheckBase)', () => {
  const make = {
    mqtt: (o: { name?: string; intervalMs: number }) =>
      new MqttPlaneCheck({ ...o, status: () => ({}) as PlaneHealth }),
    telemetry: (o: { name?: string; intervalMs: number }) =>
      new TelemetryExportCheck({ ...o, stats: () => ({ enabled: false, failing: false }) }),
    source: (o: { name?: string; intervalMs: number }) =>
      new SourceCheck({
        ...o,
        sourceId: 2,
        status: () => ({ state: 'delivering', lastFrameAtMs: null }) as SourceHealthStatus,
      }),
  };

  it('takes its default name and roles, or the given name', () => {
    const t = make.telemetry({ intervalMs: 50 });
    assert.deepEqual(
      [t.name, t.intervalMs, t.readiness, t.liveness],
      ['telemetry_export', 50, true, false],
    );
    assert.equal(make.source({ intervalMs: 1 }).name, 'source_2');
    assert.equal(make.mqtt({ name: 'mqtt_control', intervalMs: 1 }).name, 'mqtt_control');
  });

  it('rejects a bad name, a zero interval and a non-number interval', () => {
    for (const m of Object.values(make)) {
      assert.throws(() => m({ name: 'has space', intervalMs: 1 }), RangeError);
      assert.throws(() => m({ intervalMs: 0 }), RangeError);
      assert.throws(() => m({ intervalMs: '5' as unknown as number }), TypeError);
    }
  });
});

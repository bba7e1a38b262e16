import { strict as assert } from 'node:assert';
import type { HealthCheck, HealthStatus } from '../../src/domain/health.js';
import { HealthRegistry } from '../../src/health/registry.js';
import { EPOCH, FakeTime, captureLogs, installMetrics, settle } from './health-fakes.js';

type Run = HealthCheck['run'];

function check(
  name: string,
  run: Run,
  extra: Partial<HealthCheck> = {},
): HealthCheck & { calls: number } {
  const c = {
    name,
    intervalMs: 1000,
    calls: 0,
    ...extra,
    run() {
      c.calls++;
      return run();
    },
  };
  return c;
}

const fixed =
  (status: HealthStatus, message: string = status): Run =>
  () =>
    Promise.resolve({ status, message });

describe('HealthRegistry', () => {
  let time: FakeTime;
  let logs: ReturnType<typeof captureLogs>;
  let registry: HealthRegistry;

  beforeEach(() => {
    time = new FakeTime();
    logs = captureLogs();
    registry = new HealthRegistry({
      clock: time,
      timers: time,
      logger: logs.logger,
      timeoutMs: 500,
    });
  });
  afterEach(() => registry.stop());

  it('runs every check once at start and then on its own interval', async () => {
    const fast = check('fast', fixed('healthy'), { intervalMs: 100 });
    const slow = check('slow', fixed('healthy'), { intervalMs: 1000 });
    registry.register(fast);
    registry.register(slow);
    assert.equal(fast.calls, 0, 'nothing runs before start()');
    await registry.start();
    await settle();
    assert.deepEqual([fast.calls, slow.calls], [1, 1]);
    await time.advance(1000);
    assert.deepEqual([fast.calls, slow.calls], [11, 2]);
  });

  it('serves probes from the cache without running checks again', async () => {
    const c = check('c', fixed('degraded', 'slow'));
    registry.register(c);
    await registry.start();
    await settle();
    for (let i = 0; i < 100; i++) {
      registry.overall();
      registry.ready();
      registry.live();
      registry.results();
    }
    assert.equal(c.calls, 1);
    const r = registry.get('c');
    assert.equal(r?.status, 'degraded');
    assert.equal(r?.message, 'slow');
    assert.equal(r?.checkedAtMs, EPOCH);
  });

  it('reports a check that throws as unhealthy with the error message and keeps running it', async () => {
    let fail = true;
    registry.register(
      check('boom', () => (fail ? Promise.reject(new Error('disk on fire')) : fixed('healthy')())),
    );
    registry.register(
      check('sync', () => {
        throw new TypeError('sync throw');
      }),
    );
    await registry.start();
    await settle();
    assert.equal(registry.get('boom')?.status, 'unhealthy');
    assert.match(registry.get('boom')?.message ?? '', /disk on fire/);
    assert.match(registry.get('sync')?.message ?? '', /sync throw/);
    fail = false;
    await time.advance(1000);
    assert.equal(registry.get('boom')?.status, 'healthy');
  });

  it('reports a hanging check as unhealthy after the timeout and does not pile up runs', async () => {
    const hang = check('hang', () => new Promise(() => undefined));
    registry.register(hang);
    await registry.start();
    await settle();
    assert.equal(registry.get('hang')?.message, 'not checked yet');
    await time.advance(500);
    assert.equal(registry.get('hang')?.status, 'unhealthy');
    assert.match(registry.get('hang')?.message ?? '', /timed out after 500 ms/);
    await time.advance(3000);
    assert.equal(hang.calls, 1, 'the hung run is not started again');
    assert.match(registry.get('hang')?.message ?? '', /still running after \d+ ms/);
  });

  it('rejects a check result with an invalid status', async () => {
    registry.register(
      check('bad', () => Promise.resolve({ status: 'fine' as HealthStatus, message: 'x' })),
    );
    registry.register(check('nul', () => Promise.resolve(null as never)));
    await registry.runNow();
    assert.equal(registry.get('bad')?.status, 'unhealthy');
    assert.match(registry.get('bad')?.message ?? '', /invalid status: "fine"/);
    assert.match(registry.get('nul')?.message ?? '', /returned null/);
  });

  it('aggregates the worst status over all checks', async () => {
    registry.register(check('a', fixed('healthy')));
    registry.register(check('b', fixed('degraded')));
    await registry.runNow();
    assert.equal(registry.overall().status, 'degraded');
    registry.register(check('c', fixed('unhealthy')));
    await registry.runNow('c');
    assert.equal(registry.overall().status, 'unhealthy');
  });

  it('counts only liveness checks for live() and only readiness checks for ready()', async () => {
    registry.register(check('loop', fixed('healthy'), { liveness: true }));
    registry.register(check('mqtt', fixed('unhealthy')));
    registry.register(check('debug-only', fixed('unhealthy'), { readiness: false }));
    await registry.runNow();
    assert.equal(registry.live().status, 'healthy');
    assert.deepEqual(
      registry.live().checks.map((c) => c.name),
      ['loop'],
    );
    assert.equal(registry.ready().status, 'unhealthy');
    assert.deepEqual(
      registry.ready().checks.map((c) => c.name),
      ['loop', 'mqtt'],
    );
  });

  it('treats a check that has not run as not ready but leaves liveness alone', async () => {
    registry.register(check('loop', fixed('healthy'), { liveness: true }));
    assert.equal(registry.ready().status, 'unhealthy');
    assert.equal(registry.live().status, 'healthy');
    assert.equal(registry.live().checks.length, 0);
  });

  it('fails readiness at once when shutting down, without touching liveness', async () => {
    registry.register(check('ok', fixed('healthy'), { liveness: true }));
    await registry.runNow();
    assert.equal(registry.ready().status, 'healthy');
    registry.setShuttingDown();
    assert.equal(registry.ready().status, 'unhealthy');
    assert.equal(registry.ready().shuttingDown, true);
    assert.equal(registry.live().status, 'healthy');
  });

  it('logs health_changed only on transitions', async () => {
    let status: HealthStatus = 'healthy';
    registry.register(check('flappy', () => Promise.resolve({ status, message: `now ${status}` })));
    await registry.start();
    await time.advance(2000);
    status = 'degraded';
    await time.advance(3000);
    status = 'healthy';
    await time.advance(1000);
    const changes = logs.lines.filter((l) => l.event === 'health_changed');
    assert.deepEqual(
      changes.map((l) => [l.check, l.from, l.to]),
      [
        ['flappy', 'healthy', 'degraded'],
        ['flappy', 'degraded', 'healthy'],
      ],
    );
  });

  it('stops and restarts idempotently and keeps the cached results', async () => {
    const c = check('c', fixed('healthy'));
    registry.register(c);
    await registry.start();
    await registry.start();
    await settle();
    assert.equal(c.calls, 1);
    await registry.stop();
    await registry.stop();
    assert.equal(time.pending(), 0);
    await time.advance(5000);
    assert.equal(c.calls, 1);
    assert.equal(registry.get('c')?.status, 'healthy');
    await registry.start();
    await settle();
    assert.equal(c.calls, 2);
  });

  it('runs a check registered after start at once', async () => {
    await registry.start();
    const late = check('late', fixed('degraded'));
    registry.register(late);
    await settle();
    assert.equal(late.calls, 1);
    assert.ok(registry.unregister('late'));
    assert.equal(registry.get('late'), undefined);
    assert.equal(time.pending(), 0);
  });

  it('rejects a duplicate name, a bad interval, a missing run and a bad timeout', () => {
    registry.register(check('dup', fixed('healthy')));
    assert.throws(() => registry.register(check('dup', fixed('healthy'))), RangeError);
    assert.throws(
      () => registry.register(check('zero', fixed('healthy'), { intervalMs: 0 })),
      RangeError,
    );
    assert.throws(
      () => registry.register(check('nan', fixed('healthy'), { intervalMs: Number.NaN })),
      TypeError,
    );
    assert.throws(
      () => registry.register({ name: 'norun', intervalMs: 10 } as unknown as HealthCheck),
      TypeError,
    );
    assert.throws(() => registry.register(check('has space', fixed('healthy'))), RangeError);
    assert.throws(() => new HealthRegistry({ timeoutMs: -1 }), RangeError);
    return assert.rejects(registry.runNow('missing'), RangeError);
  });

  describe('metrics', () => {
    let m: ReturnType<typeof installMetrics>;
    before(() => (m = installMetrics()));
    after(() => m.uninstall());

    it('sets adeline_health_status per check: 0 healthy, 1 degraded, 2 unhealthy', async () => {
      registry.register(check('g_ok', fixed('healthy')));
      registry.register(check('g_meh', fixed('degraded')));
      registry.register(check('g_bad', fixed('unhealthy')));
      await registry.runNow();
      const values = await m.gauge('adeline_health_status', 'check');
      assert.equal(values.get('g_ok'), 0);
      assert.equal(values.get('g_meh'), 1);
      assert.equal(values.get('g_bad'), 2);
    });
  });
});

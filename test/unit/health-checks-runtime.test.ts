import { strict as assert } from 'node:assert';
import { EventLoopDelayCheck, type DelayHistogram } from '../../src/health/checks/event-loop.js';
import {
  FrameHeartbeatCheck,
  type FrameLoopMode,
} from '../../src/health/checks/frame-heartbeat.js';
import { MemoryCheck } from '../../src/health/checks/memory.js';
import { installMetrics } from './health-fakes.js';

/** A histogram whose p99 and max the test sets, in milliseconds. */
class FakeHistogram implements DelayHistogram {
  p99Ms = 0;
  maxMs = 0;
  count = 1;
  resets = 0;
  disabled = false;
  percentile(p: number): number {
    assert.equal(p, 99);
    return this.p99Ms * 1e6;
  }
  get max(): number {
    return this.maxMs * 1e6;
  }
  reset(): void {
    this.resets++;
  }
  disable(): boolean {
    this.disabled = true;
    return true;
  }
}

describe('EventLoopDelayCheck', () => {
  let m: ReturnType<typeof installMetrics>;
  before(() => (m = installMetrics()));
  after(() => m.uninstall());

  const make = (h: FakeHistogram) =>
    new EventLoopDelayCheck({ degradedMs: 100, unhealthyMs: 2000, intervalMs: 1000, histogram: h });

  it('is healthy at or under the p99 threshold and resets the window after each run', async () => {
    const h = Object.assign(new FakeHistogram(), { p99Ms: 100, maxMs: 150 });
    const c = make(h);
    const r = await c.run();
    assert.equal(r.status, 'healthy');
    assert.equal(h.resets, 1);
    assert.equal(c.liveness, true);
  });

  it('is degraded when p99 exceeds event_loop_degraded_ms', async () => {
    const r = await make(Object.assign(new FakeHistogram(), { p99Ms: 101, maxMs: 300 })).run();
    assert.equal(r.status, 'degraded');
    assert.match(r.message, /p99 delay 101\.0 ms > 100 ms/);
  });

  it('is unhealthy when the max exceeds event_loop_unhealthy_ms', async () => {
    const r = await make(Object.assign(new FakeHistogram(), { p99Ms: 50, maxMs: 2001 })).run();
    assert.equal(r.status, 'unhealthy');
    assert.deepEqual(r.details, { p99_ms: 50, max_ms: 2001, degraded_ms: 100, unhealthy_ms: 2000 });
  });

  it('reports an empty window as healthy zero delay', async () => {
    const r = await make(
      Object.assign(new FakeHistogram(), { count: 0, p99Ms: 9e9, maxMs: 0 }),
    ).run();
    assert.equal(r.status, 'healthy');
    assert.equal(r.details?.max_ms, 0);
  });

  it('sets the p99 and max gauges in seconds', async () => {
    await make(Object.assign(new FakeHistogram(), { p99Ms: 40, maxMs: 250 })).run();
    assert.equal((await m.gauge('adeline_event_loop_delay_p99_seconds', 'x')).get(''), 0.04);
    assert.equal((await m.gauge('adeline_event_loop_delay_max_seconds', 'x')).get(''), 0.25);
  });

  it('measures a real blocked event loop with the default histogram', async () => {
    const c = new EventLoopDelayCheck({
      degradedMs: 20,
      unhealthyMs: 60,
      intervalMs: 1000,
      resolutionMs: 1,
    });
    try {
      await new Promise((r) => setTimeout(r, 5));
      const until = Date.now() + 120;
      while (Date.now() < until) {
        /* block the loop on purpose */
      }
      await new Promise((r) => setTimeout(r, 5));
      const r = await c.run();
      assert.equal(r.status, 'unhealthy', r.message);
      assert.ok((r.details?.max_ms as number) >= 100, r.message);
    } finally {
      c.close();
    }
  });

  it('subtracts the timer period: the histogram records intervals, the check reports lateness', async () => {
    const h = Object.assign(new FakeHistogram(), { p99Ms: 9.5, maxMs: 25 });
    const c = new EventLoopDelayCheck({
      degradedMs: 100,
      unhealthyMs: 2000,
      intervalMs: 1000,
      resolutionMs: 10,
      histogram: h,
    });
    const r = await c.run();
    assert.deepEqual(r.details, { p99_ms: 0, max_ms: 15, degraded_ms: 100, unhealthy_ms: 2000 });
    assert.equal((await m.gauge('adeline_event_loop_delay_max_seconds', 'x')).get(''), 0.015);
  });

  it('reads well under its 10 ms resolution on a loop that is not blocked', async () => {
    // The raw histogram reads about 10 ms here (the timer period); the delay is about 0.
    const c = new EventLoopDelayCheck({ degradedMs: 20, unhealthyMs: 60, intervalMs: 1000 });
    try {
      await c.run(); // starts a fresh window
      await new Promise((r) => setTimeout(r, 250));
      const r = await c.run();
      assert.ok((r.details?.p99_ms as number) < 9, r.message);
    } finally {
      c.close();
    }
  });

  it('rejects thresholds that are not positive or out of order', () => {
    assert.throws(
      () =>
        new EventLoopDelayCheck({
          degradedMs: 0,
          unhealthyMs: 10,
          intervalMs: 1000,
          histogram: new FakeHistogram(),
        }),
      RangeError,
    );
    assert.throws(
      () =>
        new EventLoopDelayCheck({
          degradedMs: 50,
          unhealthyMs: 10,
          intervalMs: 1000,
          histogram: new FakeHistogram(),
        }),
      RangeError,
    );
    assert.throws(
      () =>
        new EventLoopDelayCheck({
          degradedMs: '5' as unknown as number,
          unhealthyMs: 10,
          intervalMs: 1000,
          histogram: new FakeHistogram(),
        }),
      TypeError,
    );
  });
});

describe('FrameHeartbeatCheck', () => {
  let now = 0;
  let last: number | null = null;
  let mode: FrameLoopMode = 'running';
  let expected: number | null = 100;
  const make = () =>
    new FrameHeartbeatCheck({
      lastFrameAtMs: () => last,
      expectedIntervalMs: () => expected,
      mode: () => mode,
      factor: 5,
      minMs: 200,
      intervalMs: 1000,
      now: () => now,
    });
  beforeEach(() => {
    now = 10_000;
    last = null;
    mode = 'running';
    expected = 100;
  });

  it('is healthy while frames arrive within factor × the expected interval', async () => {
    const c = make();
    last = now - 500;
    assert.equal((await c.run()).status, 'healthy');
  });

  it('is unhealthy when no frame arrived within factor × the expected interval', async () => {
    const c = make();
    last = now - 501;
    const r = await c.run();
    assert.equal(r.status, 'unhealthy');
    assert.match(r.message, /no frame processed for 501 ms \(limit 500 ms\)/);
  });

  it('never reports stuck sooner than stall_min_ms', async () => {
    expected = 10;
    const c = make();
    last = now - 199;
    assert.equal((await c.run()).status, 'healthy');
    last = now - 201;
    assert.equal((await c.run()).status, 'unhealthy');
  });

  it('counts from the first time it saw the loop running when no frame came yet', async () => {
    const c = make();
    assert.equal((await c.run()).status, 'healthy');
    now += 500;
    assert.equal((await c.run()).status, 'healthy');
    now += 1;
    const r = await c.run();
    assert.equal(r.status, 'unhealthy');
    assert.match(r.message, /no frame processed yet/);
  });

  it('does not fail while paused, ended or waiting for a source, and restarts the count on resume', async () => {
    const c = make();
    last = now - 60_000;
    for (const m of ['paused', 'ended', 'waiting'] as const) {
      mode = m;
      const r = await c.run();
      assert.equal(r.status, 'healthy', m);
      assert.equal(r.details?.mode, m);
    }
    mode = 'running';
    assert.equal((await c.run()).status, 'healthy', 'resume gets a fresh window');
    now += 501;
    assert.equal((await c.run()).status, 'unhealthy');
  });

  it('rejects a missing getter and a zero factor', () => {
    const base = {
      lastFrameAtMs: () => null,
      expectedIntervalMs: () => null,
      factor: 5,
      minMs: 100,
      intervalMs: 1000,
    };
    assert.throws(
      () => new FrameHeartbeatCheck({ ...base, lastFrameAtMs: undefined as never }),
      TypeError,
    );
    assert.throws(() => new FrameHeartbeatCheck({ ...base, factor: 0 }), RangeError);
  });
});

describe('MemoryCheck', () => {
  const make = (used: number) =>
    new MemoryCheck({
      intervalMs: 1000,
      sample: () => ({ usedBytes: used, limitBytes: 1000, rssBytes: 2000 }),
    });

  it('is healthy, degraded and unhealthy at 85 % and 95 % of the heap limit', async () => {
    assert.equal((await make(850).run()).status, 'healthy');
    assert.equal((await make(851).run()).status, 'degraded');
    assert.equal((await make(951).run()).status, 'unhealthy');
  });

  it('reads the real heap by default', async () => {
    const r = await new MemoryCheck({ intervalMs: 1000 }).run();
    assert.ok((r.details?.heap_limit_bytes as number) > (r.details?.heap_used_bytes as number));
  });

  it('rejects ratios out of order or above 1', () => {
    assert.throws(
      () => new MemoryCheck({ intervalMs: 1, degradedRatio: 0.9, unhealthyRatio: 0.8 }),
      RangeError,
    );
    assert.throws(() => new MemoryCheck({ intervalMs: 1, unhealthyRatio: 1.5 }), RangeError);
  });
});

import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { ConfigSchema } from '../../src/config/schema.js';
import { buildReconnectPolicy } from '../../src/resilience/policies.js';
import { RetryForeverPolicy } from '../../src/resilience/reconnect-policy.js';
import { telemetryObserver } from '../../src/resilience/telemetry-observer.js';
import {
  captureLogs,
  installMetrics,
  recordingObserver,
  type LogCapture,
  type MetricsProbe,
} from './resilience-helpers.js';

const settle = () => new Promise<void>((r) => setImmediate(r));
async function advance(ms: number, step = 50): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await settle();
    mock.timers.tick(Math.min(step, ms - t));
  }
  await settle();
}
const reconnectCfg = (over: Record<string, unknown> = {}) =>
  ConfigSchema.parse({ resilience: { source_reconnect: over } }).resilience.source_reconnect;

describe('reconnect policy', function () {
  this.timeout(5000);
  let probe: MetricsProbe;
  let logs: LogCapture;
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 });
    probe = installMetrics();
    logs = captureLogs('info');
  });
  afterEach(async () => {
    mock.timers.reset();
    await probe.stop();
  });

  it('retries until an attempt succeeds, passing the attempt number, and counts each retry', async () => {
    const observer = telemetryObserver({ logger: () => logs.logger, activeSpan: () => undefined });
    const p = buildReconnectPolicy(reconnectCfg(), 'source_0', {
      observer,
      logger: () => logs.logger,
    });
    const seen: number[] = [];
    const running = p.run(async (n) => {
      seen.push(n);
      assert.equal(p.attempt, n, 'attempt getter exposes the attempt in progress');
      if (n < 4) throw new Error('connection refused');
      return 'stream';
    }, new AbortController().signal);
    await advance(30_000);
    assert.equal(await running, 'stream');
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal(p.attempt, 0);
    assert.equal(await probe.value('adeline_retries_total', { service: 'source_0' }), 3);
    const lines = logs.events('source_reconnecting');
    assert.deepEqual(
      lines.map((l) => l['attempt']),
      [1, 2, 3],
    );
    assert.equal(lines[0]!['service'], 'source_0');
    assert.equal(lines[0]!['error'], 'connection refused');
  });

  it('keeps every delay at or under max_delay_ms and never gives up on its own', async () => {
    const delays: number[] = [];
    const p = buildReconnectPolicy(
      reconnectCfg({ initial_delay_ms: 10, max_delay_ms: 100 }),
      'source_1',
      {
        observer: { onRetry: (_s, _a, d) => delays.push(d) },
        logger: () => logs.logger,
      },
    );
    let calls = 0;
    const ctrl = new AbortController();
    const running = p.run(async () => {
      if (++calls < 40) throw new Error('down');
      return calls;
    }, ctrl.signal);
    await advance(40 * 100 + 500, 20);
    assert.equal(await running, 40);
    assert.equal(delays.length, 39);
    assert.ok(
      delays.every((d) => d <= 100),
      delays.join(','),
    );
    assert.ok(delays.slice(-5).every((d) => d === 100));
  });

  it('stops with the abort reason when aborted during a backoff delay, without another attempt', async () => {
    const obs = recordingObserver();
    const p = buildReconnectPolicy(
      reconnectCfg({ initial_delay_ms: 1000, max_delay_ms: 30_000 }),
      'source_2',
      {
        observer: obs,
        logger: () => logs.logger,
      },
    );
    let calls = 0;
    const ctrl = new AbortController();
    const running = p.run(async () => {
      calls++;
      throw new Error('down');
    }, ctrl.signal);
    const outcome = running.catch((e: unknown) => e);
    await settle();
    assert.equal(calls, 1);
    ctrl.abort(new Error('source stopped'));
    assert.match(String(await outcome), /source stopped/);
    await advance(60_000, 1000);
    assert.equal(calls, 1, 'no attempt after the abort');
    assert.ok(obs.events.includes('giveUp:source_2'));
  });

  it('rejects at once, without an attempt, when the signal is already aborted', async () => {
    const p = buildReconnectPolicy(reconnectCfg(), 'source_3', {
      observer: {},
      logger: () => logs.logger,
    });
    let called = false;
    const ctrl = new AbortController();
    ctrl.abort();
    await assert.rejects(
      p.run(async () => (called = true), ctrl.signal),
      { name: 'AbortError' },
    );
    assert.equal(called, false);
  });

  it('logs the first attempts, then at most one line per logEveryMs with the suppressed count', async () => {
    const p = new RetryForeverPolicy({
      service: 'source_4',
      initialDelayMs: 100,
      maxDelayMs: 100,
      logFirst: 2,
      logEveryMs: 1000,
      logger: () => logs.logger,
    });
    let calls = 0;
    const running = p.run(async () => {
      if (++calls <= 25) throw new Error('down');
      return 'up';
    }, new AbortController().signal);
    await advance(5000, 50);
    assert.equal(await running, 'up');
    const lines = logs.events('source_reconnecting');
    assert.ok(lines.length >= 3 && lines.length <= 5, `${lines.length} lines for 25 failures`);
    assert.deepEqual(
      lines.slice(0, 2).map((l) => l['attempt']),
      [1, 2],
    );
    assert.ok(
      typeof lines[2]!['suppressed'] === 'number' && (lines[2]!['suppressed'] as number) > 0,
    );
  });

  it('rejects bad arguments with TypeError and RangeError', async () => {
    assert.throws(
      () => new RetryForeverPolicy({ service: 's', initialDelayMs: 0, maxDelayMs: 10 }),
      RangeError,
    );
    assert.throws(
      () => new RetryForeverPolicy({ service: '', initialDelayMs: 10, maxDelayMs: 10 }),
      TypeError,
    );
    const p = new RetryForeverPolicy({ service: 's', initialDelayMs: 10, maxDelayMs: 10 });
    await assert.rejects(p.run('not a function' as never, new AbortController().signal), TypeError);
    await assert.rejects(
      p.run(async () => 1, {} as AbortSignal),
      TypeError,
    );
  });
});

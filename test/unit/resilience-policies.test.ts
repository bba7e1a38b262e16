import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { ConfigSchema } from '../../src/config/schema.js';
import { isAdelineError, rejectionKindOf } from '../../src/domain/errors.js';
import { CockatielCallPolicy } from '../../src/resilience/call-policy.js';
import {
  buildInferencePolicy,
  buildPublishPolicy,
  type ResilienceConfig,
} from '../../src/resilience/policies.js';
import { recordingObserver } from './resilience-helpers.js';

/** The resilience section with overrides, validated like the real config. */
function resilience(over: Record<string, unknown> = {}): ResilienceConfig {
  return ConfigSchema.parse({ resilience: over }).resilience;
}

const settle = () => new Promise<void>((r) => setImmediate(r));
/** Advances fake time in steps, letting promise chains run between the steps. */
async function advance(ms: number, step = 10): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await settle();
    mock.timers.tick(Math.min(step, ms - t));
  }
  await settle();
}
const fail =
  (msg = 'broker down') =>
  () =>
    Promise.reject(new Error(msg));

describe('resilience policies', function () {
  this.timeout(5000);
  beforeEach(() =>
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 }),
  );
  afterEach(() => mock.timers.reset());

  describe('publish breaker', () => {
    const cfg = () =>
      resilience({
        publish: {
          breaker: { consecutive_failures: 3, half_open_after_ms: 2000 },
          retry: { max_attempts: 0 },
        },
      });

    it('opens after N consecutive failures and rejects fast while open', async () => {
      const obs = recordingObserver();
      const p = buildPublishPolicy(cfg(), obs);
      for (let i = 0; i < 3; i++) await assert.rejects(p.execute(fail()), /broker down/);
      assert.equal(p.breakerState(), 'open');
      let ran = false;
      const err = await p.execute(async () => (ran = true)).catch((e: unknown) => e);
      assert.equal(ran, false);
      assert.ok(isAdelineError(err, 'ADELINE_ERR_MQTT_PUBLISH'));
      assert.equal(rejectionKindOf(err), 'breaker_open');
      assert.deepEqual(
        obs.events.filter((e) => /^(break|state|reject)/.test(e)),
        ['break:mqtt_publish', 'state:mqtt_publish:open', 'reject:mqtt_publish:breaker'],
      );
    });

    it('a success in between resets the consecutive failure count', async () => {
      const p = buildPublishPolicy(cfg(), {});
      await assert.rejects(p.execute(fail()));
      await assert.rejects(p.execute(fail()));
      await p.execute(async () => 'ok');
      await assert.rejects(p.execute(fail()));
      await assert.rejects(p.execute(fail()));
      assert.equal(p.breakerState(), 'closed');
    });

    it('half-opens after half_open_after_ms and closes on a successful trial', async () => {
      const obs = recordingObserver();
      const p = buildPublishPolicy(cfg(), obs);
      for (let i = 0; i < 3; i++) await assert.rejects(p.execute(fail()));
      mock.timers.tick(1999);
      assert.equal(
        rejectionKindOf(await p.execute(async () => 1).catch((e: unknown) => e)),
        'breaker_open',
      );
      mock.timers.tick(1);
      assert.equal(await p.execute(async () => 'trial ok'), 'trial ok');
      assert.equal(p.breakerState(), 'closed');
      assert.deepEqual(
        obs.events.filter((e) => e.startsWith('state:')),
        ['state:mqtt_publish:open', 'state:mqtt_publish:half-open', 'state:mqtt_publish:closed'],
      );
      assert.ok(
        obs.events.includes('halfOpen:mqtt_publish') && obs.events.includes('reset:mqtt_publish'),
      );
    });

    it('reopens when the half-open trial fails', async () => {
      const p = buildPublishPolicy(cfg(), {});
      for (let i = 0; i < 3; i++) await assert.rejects(p.execute(fail()));
      mock.timers.tick(2000);
      await assert.rejects(p.execute(fail('still down')), /still down/);
      assert.equal(p.breakerState(), 'open');
    });
  });

  describe('publish retry', () => {
    it('retries max_attempts times, then gives up with the last error', async () => {
      const obs = recordingObserver();
      const p = buildPublishPolicy(resilience({ publish: { retry: { max_attempts: 2 } } }), obs);
      let calls = 0;
      const run = p.execute(() => Promise.reject(new Error(`attempt ${++calls}`)));
      const outcome = run.catch((e: unknown) => e);
      await advance(3000);
      assert.match(String(await outcome), /attempt 3/);
      assert.equal(calls, 3);
      assert.equal(obs.events.filter((e) => e.startsWith('retry:')).length, 2);
      assert.ok(obs.events.includes('giveUp:mqtt_publish'));
      assert.equal(
        obs.events.filter((e) => e === 'failure:mqtt_publish').length,
        1,
        'one failed call, not three',
      );
    });

    it('succeeds when a retry succeeds', async () => {
      const obs = recordingObserver();
      const p = buildPublishPolicy(resilience({ publish: { retry: { max_attempts: 3 } } }), obs);
      let calls = 0;
      const run = p.execute(async () => {
        if (++calls < 3) throw new Error('transient');
        return 'published';
      });
      await advance(5000);
      assert.equal(await run, 'published');
      assert.deepEqual(
        obs.events.filter((e) => e.startsWith('success')),
        ['success:mqtt_publish'],
      );
    });

    it('caps every backoff delay at max_delay_ms, with jitter below it', async () => {
      const delays: number[] = [];
      const cfg = resilience({
        publish: {
          retry: { max_attempts: 12, initial_delay_ms: 50, max_delay_ms: 200 },
          breaker: { consecutive_failures: 100 },
        },
      });
      const p = buildPublishPolicy(cfg, { onRetry: (_s, _a, d) => delays.push(d) });
      const run = p.execute(fail()).catch(() => undefined);
      await advance(12 * 200 + 100);
      await run;
      assert.equal(delays.length, 12);
      assert.ok(
        delays.every((d) => d >= 0 && d <= 200),
        `delays ${delays.join(',')}`,
      );
      assert.ok(
        delays.slice(-4).every((d) => d === 200),
        'late retries reach the cap',
      );
      assert.ok(
        delays.slice(0, 2).some((d) => d < 200),
        'early retries are below the cap',
      );
    });
  });

  describe('timeout', () => {
    it('aborts the signal of an attempt that exceeds timeout_ms and rejects with a timeout', async () => {
      const obs = recordingObserver();
      const p = buildPublishPolicy(
        resilience({ publish: { timeout_ms: 100, retry: { max_attempts: 0 } } }),
        obs,
      );
      let seen: AbortSignal | undefined;
      const run = p.execute((signal) => {
        seen = signal;
        return new Promise<never>(() => {});
      });
      const outcome = run.catch((e: unknown) => e);
      await advance(99, 99);
      assert.equal(seen?.aborted, false);
      await advance(1, 1);
      const err = await outcome;
      assert.equal(seen?.aborted, true);
      assert.equal(rejectionKindOf(err), 'timeout');
      assert.ok(obs.events.includes('timeout:mqtt_publish'));
    });

    it('gives each retry its own timeout and signal', async () => {
      const p = buildPublishPolicy(
        resilience({ publish: { timeout_ms: 100, retry: { max_attempts: 1 } } }),
        {},
      );
      const signals: AbortSignal[] = [];
      const run = p.execute(async (signal) => {
        signals.push(signal);
        if (signals.length === 1) return new Promise<string>(() => {});
        return 'second attempt';
      });
      await advance(2000);
      assert.equal(await run, 'second attempt');
      assert.equal(signals.length, 2);
      assert.notEqual(signals[0], signals[1]);
      assert.equal(signals[0]!.aborted, true);
    });
  });

  describe('bulkhead', () => {
    it('rejects calls beyond limit + queue and runs the queued ones later', async () => {
      const obs = recordingObserver();
      const p = buildPublishPolicy(
        resilience({ publish: { bulkhead: { limit: 1, queue: 1 } } }),
        obs,
      );
      let release!: () => void;
      const first = p.execute(() => new Promise<string>((r) => (release = () => r('first'))));
      const second = p.execute(async () => 'second');
      const third = await p.execute(async () => 'third').catch((e: unknown) => e);
      assert.equal(rejectionKindOf(third), 'bulkhead_full');
      assert.ok(obs.events.includes('reject:mqtt_publish:bulkhead'));
      await settle();
      release();
      assert.deepEqual(await Promise.all([first, second]), ['first', 'second']);
    });
  });

  describe('inference', () => {
    const cfg = () =>
      resilience({
        inference: {
          timeout_ms: 500,
          breaker: { consecutive_failures: 2, half_open_after_ms: 5000 },
        },
      });

    it('fails fast with ADELINE_ERR_MODEL_UNAVAILABLE while its breaker is open', async () => {
      const p = buildInferencePolicy(cfg(), {});
      assert.equal(p.service, 'inference');
      await assert.rejects(p.execute(fail('worker crashed')));
      await assert.rejects(p.execute(fail('worker crashed')));
      let ran = false;
      const err = await p.execute(async () => (ran = true)).catch((e: unknown) => e);
      assert.equal(ran, false);
      assert.ok(isAdelineError(err, 'ADELINE_ERR_MODEL_UNAVAILABLE'), String(err));
      assert.match((err as Error).message, /half_open_after_ms/);
    });

    it('recovers when the model does: a trial after half_open_after_ms closes the breaker', async () => {
      const p = buildInferencePolicy(cfg(), {});
      await assert.rejects(p.execute(fail()));
      await assert.rejects(p.execute(fail()));
      mock.timers.tick(5000);
      assert.deepEqual(await p.execute(async () => [1, 2]), [1, 2]);
      assert.equal(p.breakerState(), 'closed');
    });

    it('times out a slow run with ADELINE_ERR_INFERENCE_TIMEOUT and aborts its signal', async () => {
      const p = buildInferencePolicy(cfg(), {});
      let seen: AbortSignal | undefined;
      const outcome = p
        .execute((s) => ((seen = s), new Promise<never>(() => {})))
        .catch((e: unknown) => e);
      await advance(500, 100);
      const err = await outcome;
      assert.ok(isAdelineError(err, 'ADELINE_ERR_INFERENCE_TIMEOUT'), String(err));
      assert.equal(seen?.aborted, true);
    });

    it('passes the run’s own error through unchanged', async () => {
      const p = buildInferencePolicy(cfg(), {});
      const own = new Error('bad tensor');
      assert.equal(await p.execute(() => Promise.reject(own)).catch((e: unknown) => e), own);
    });
  });

  describe('bad input and broken observers', () => {
    const base = { observer: {}, rejectionError: () => new Error('rejected') };

    it('rejects a policy with an empty service name', () => {
      assert.throws(
        () => new CockatielCallPolicy({ ...base, service: '', timeoutMs: 10 }),
        TypeError,
      );
    });

    it('rejects a zero consecutive-failure threshold with RangeError', () => {
      const breaker = { consecutiveFailures: 0, halfOpenAfterMs: 10 };
      assert.throws(
        () => new CockatielCallPolicy({ ...base, service: 's', breaker }),
        /consecutiveFailures must be >= 1/,
      );
    });

    it('rejects a policy with nothing in it', () => {
      assert.throws(() => new CockatielCallPolicy({ ...base, service: 's' }), RangeError);
    });

    it('keeps the call path working when an observer throws, reporting the first error', async () => {
      const reported: string[] = [];
      const boom = () => {
        throw new Error('observer bug');
      };
      const observer = {
        onSuccess: boom,
        onFailure: boom,
        onStateChange: boom,
        onBreak: boom,
        onCreated: boom,
      };
      const p = new CockatielCallPolicy({
        ...base,
        service: 's',
        breaker: { consecutiveFailures: 1, halfOpenAfterMs: 100 },
        observer,
        onObserverError: (hook) => reported.push(hook),
      });
      assert.equal(await p.execute(async () => 42), 42);
      assert.equal(await p.execute(async () => 43), 43);
      await assert.rejects(p.execute(fail('own error')), /own error/);
      assert.equal(p.breakerState(), 'open');
      assert.deepEqual(reported.sort(), [
        'onBreak',
        'onCreated',
        'onFailure',
        'onStateChange',
        'onSuccess',
      ]);
    });
  });
});

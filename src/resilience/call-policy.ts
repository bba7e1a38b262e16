/**
 * A CallPolicy assembled from cockatiel policies, outermost first:
 * bulkhead → circuit breaker → retry → timeout (each optional). Every cockatiel event goes to
 * the observer; rejections and timeouts surface as the caller's own error type.
 */
import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleAll,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isIsolatedCircuitError,
  isTaskCancelledError,
  retry,
  timeout,
  wrap,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IDefaultPolicyContext,
  type IPolicy,
} from 'cockatiel';
import type { RejectionKind } from '../domain/errors.js';
import type { CallPolicy } from './types.js';
import { safeObserver, type BreakerStateName, type PolicyObserver } from './policy-observer.js';

export interface CallPolicyOptions {
  /** `service` label of every metric, span event and log line. */
  service: string;
  bulkhead?: { limit: number; queue: number };
  breaker?: { consecutiveFailures: number; halfOpenAfterMs: number };
  /** Retries after the first attempt, with decorrelated-jitter exponential backoff capped at maxDelayMs. */
  retry?: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  /** Per attempt (inside retry), aggressive: the call is abandoned and its signal aborted. */
  timeoutMs?: number;
  observer: PolicyObserver;
  /** Builds the error the caller sees when the policy rejects or times a call out. */
  rejectionError: (kind: RejectionKind, cause: unknown) => Error;
  /** Told when an observer hook throws (the call goes on). */
  onObserverError?: (hook: string, err: unknown) => void;
}

const STATE_NAMES: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

type AnyPolicy = IPolicy<IDefaultPolicyContext, never>;

/** The policy behind createCallPolicy; `breaker` is exposed for isolate() and tests. */
export class CockatielCallPolicy implements CallPolicy {
  readonly service: string;
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly bulkhead: BulkheadPolicy | undefined;
  /** Time the breaker stays open before a trial call, milliseconds (undefined: no breaker). */
  readonly halfOpenAfterMs: number | undefined;
  private readonly policy: AnyPolicy;
  private readonly observer: Required<PolicyObserver>;
  private readonly rejectionError: CallPolicyOptions['rejectionError'];

  constructor(opts: CallPolicyOptions) {
    if (typeof opts.service !== 'string' || opts.service === '') {
      throw new TypeError('service must be a non-empty string');
    }
    validateLimits(opts);
    this.service = opts.service;
    this.halfOpenAfterMs = opts.breaker?.halfOpenAfterMs;
    this.rejectionError = opts.rejectionError;
    const obs = safeObserver(opts.observer, opts.onObserverError);
    this.observer = obs;
    const s = opts.service;
    const chain: AnyPolicy[] = [];

    if (opts.bulkhead) {
      const b = bulkhead(opts.bulkhead.limit, opts.bulkhead.queue);
      b.onReject(() => obs.onReject(s, 'bulkhead'));
      this.bulkhead = b;
      chain.push(b);
    }
    if (opts.breaker) {
      const cb = circuitBreaker(handleAll, {
        halfOpenAfter: opts.breaker.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(opts.breaker.consecutiveFailures),
      });
      cb.onBreak((r) => obs.onBreak(s, 'error' in r ? r.error : undefined));
      cb.onReset(() => obs.onReset(s));
      cb.onHalfOpen(() => obs.onHalfOpen(s));
      cb.onStateChange((st) => obs.onStateChange(s, STATE_NAMES[st]));
      this.breaker = cb;
      chain.push(cb);
    }
    if (opts.retry) {
      const r = retry(handleAll, {
        maxAttempts: opts.retry.maxAttempts,
        backoff: new ExponentialBackoff({
          initialDelay: opts.retry.initialDelayMs,
          maxDelay: opts.retry.maxDelayMs,
        }),
      });
      r.onRetry((e) => obs.onRetry(s, e.attempt, e.delay, 'error' in e ? e.error : e.value));
      r.onGiveUp((e) => obs.onGiveUp(s, 'error' in e ? e.error : e.value));
      chain.push(r);
    }
    if (opts.timeoutMs !== undefined) {
      // abortOnReturn false: aborting every successful call costs a DOMException per publish.
      const t = timeout(opts.timeoutMs, {
        strategy: TimeoutStrategy.Aggressive,
        abortOnReturn: false,
      });
      t.onTimeout(() => obs.onTimeout(s));
      chain.push(t);
    }
    // Calls by outcome: counted once per call, where the call passes the breaker (or the
    // outermost policy when there is no breaker). Rejections are counted in execute().
    const counted = this.breaker ?? chain[0];
    counted?.onSuccess((e) => obs.onSuccess(s, e.duration));
    counted?.onFailure((e) =>
      obs.onFailure(s, 'error' in e.reason ? e.reason.error : e.reason.value, e.duration),
    );
    if (chain.length === 0)
      throw new RangeError(`policy ${s} has no bulkhead, breaker, retry or timeout`);
    this.policy = chain.length === 1 ? chain[0]! : wrap(...chain);
    if (this.breaker) obs.onCreated(s, 'closed');
  }

  async execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(({ signal }) => fn(signal));
    } catch (err) {
      if (isBrokenCircuitError(err) || isIsolatedCircuitError(err)) {
        this.observer.onReject(this.service, 'breaker');
        throw this.rejectionError('breaker_open', err);
      }
      if (isBulkheadRejectedError(err)) throw this.rejectionError('bulkhead_full', err);
      if (isTaskCancelledError(err)) throw this.rejectionError('timeout', err);
      throw err;
    }
  }

  breakerState(): BreakerStateName {
    return this.breaker ? STATE_NAMES[this.breaker.state] : 'closed';
  }
}

function validateLimits(opts: CallPolicyOptions): void {
  const check = (name: string, v: number | undefined, min: number) => {
    if (v === undefined) return;
    if (typeof v !== 'number') throw new TypeError(`${opts.service}: ${name} must be a number`);
    if (!Number.isFinite(v) || v < min)
      throw new RangeError(`${opts.service}: ${name} must be >= ${min}, got ${v}`);
  };
  check('bulkhead.limit', opts.bulkhead?.limit, 1);
  check('bulkhead.queue', opts.bulkhead?.queue, 0);
  check('breaker.consecutiveFailures', opts.breaker?.consecutiveFailures, 1);
  check('breaker.halfOpenAfterMs', opts.breaker?.halfOpenAfterMs, 1);
  check('retry.maxAttempts', opts.retry?.maxAttempts, 0);
  check('retry.initialDelayMs', opts.retry?.initialDelayMs, 1);
  check('retry.maxDelayMs', opts.retry?.maxDelayMs, 1);
  check('timeoutMs', opts.timeoutMs, 1);
}

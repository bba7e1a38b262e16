/**
 * Retry forever with capped exponential backoff (cockatiel retry, decorrelated jitter) until an
 * attempt succeeds or the caller aborts. Observable while it runs: every retry goes to the
 * observer (adeline_retries_total{service}, a span event, a debug line) and is logged as
 * `source_reconnecting` — the first `logFirst` attempts, then at most one line per `logEveryMs`.
 */
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import { describeError } from '../domain/errors.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { safeObserver, type PolicyObserver } from './policy-observer.js';
import type { ReconnectPolicy } from './types.js';

export interface ReconnectPolicyOptions {
  /** `service` label, e.g. `source_0`. */
  service: string;
  /** First delay, milliseconds. */
  initialDelayMs: number;
  /** Delay cap, milliseconds. */
  maxDelayMs: number;
  observer?: PolicyObserver;
  /** Attempts always logged at the start of an outage. Default 3. */
  logFirst?: number;
  /** After those, at most one log line per this many milliseconds. Default 60000. */
  logEveryMs?: number;
  now?: () => number;
  logger?: () => Logger;
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be > 0 ms, got ${v}`);
  return v;
}

export class RetryForeverPolicy implements ReconnectPolicy {
  readonly service: string;
  private readonly backoff: ExponentialBackoff<unknown>;
  private readonly observer: Required<PolicyObserver>;
  private readonly opts: ReconnectPolicyOptions;
  private current = 0;
  private lastLogAt = -Infinity;
  private suppressed = 0;

  constructor(opts: ReconnectPolicyOptions) {
    if (typeof opts.service !== 'string' || opts.service === '') {
      throw new TypeError('service must be a non-empty string');
    }
    const initialDelay = positive('initialDelayMs', opts.initialDelayMs);
    const maxDelay = positive('maxDelayMs', opts.maxDelayMs);
    this.service = opts.service;
    this.opts = opts;
    this.backoff = new ExponentialBackoff({ initialDelay, maxDelay });
    this.observer = safeObserver(opts.observer ?? {});
  }

  /** Number of the attempt in progress (1 = first try), or 0 when not running. */
  get attempt(): number {
    return this.current;
  }

  async run<T>(attempt: (attemptNo: number) => Promise<T>, signal: AbortSignal): Promise<T> {
    if (typeof attempt !== 'function') throw new TypeError('attempt must be a function');
    if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
    signal.throwIfAborted();
    // The backoff timer is unref'd so that an abort never waits for it; this referenced
    // interval keeps the process alive while run() is in progress instead.
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const policy = retry(handleAll, {
      maxAttempts: Infinity,
      backoff: this.backoff,
    }).dangerouslyUnref();
    // Only an abort ends the loop. Its onGiveUp fires after the pending delay, so the give-up is
    // reported here, when the abort happens.
    const sub = policy.onRetry((e) =>
      this.retried(e.attempt, e.delay, 'error' in e ? e.error : e.value),
    );
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        this.observer.onGiveUp(this.service, signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const running = policy.execute(({ attempt: retries }) => {
      signal.throwIfAborted();
      this.current = retries + 1;
      return attempt(retries + 1);
    }, signal);
    running.catch(() => {}); // after an abort the loop settles on its own; nobody awaits it
    try {
      return await Promise.race([running, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      sub.dispose();
      clearInterval(keepAlive);
      this.current = 0;
      this.lastLogAt = -Infinity;
      this.suppressed = 0;
    }
  }

  private retried(attemptNo: number, delayMs: number, error: unknown): void {
    this.observer.onRetry(this.service, attemptNo, delayMs, error);
    try {
      const now = (this.opts.now ?? Date.now)();
      const first = attemptNo <= (this.opts.logFirst ?? 3);
      if (!first && now - this.lastLogAt < (this.opts.logEveryMs ?? 60_000)) {
        this.suppressed++;
        return;
      }
      const fields: Record<string, unknown> = {
        service: this.service,
        attempt: attemptNo,
        delay_ms: Math.round(delayMs),
        error: describeError(error),
      };
      if (this.suppressed > 0) fields['suppressed'] = this.suppressed;
      this.lastLogAt = now;
      this.suppressed = 0;
      const log = (this.opts.logger ?? (() => getLogger('resilience')))();
      const msg = `${this.service}: attempt ${attemptNo} failed; retrying in ${Math.round(delayMs)} ms`;
      logEvent(log, 'source_reconnecting', msg, fields);
    } catch {
      // telemetry never throws into the reconnect loop
    }
  }
}

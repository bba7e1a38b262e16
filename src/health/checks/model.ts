/**
 * The model (readiness): an injected probe inference runs every `probeIntervalMs` (and on every
 * check run after a failure, so recovery shows quickly); slower than `slowMs` is degraded, a
 * failure or the inference breaker open is unhealthy. The breaker is read on every run, so an
 * open breaker shows within one check interval, without waiting for the next probe.
 */
import { describeError } from '../../domain/errors.js';
import { SPANS } from '../../telemetry/schema.js';
import { recordSpanError, startSpan } from '../../telemetry/tracing.js';
import { raceTimeout, realTimers, type Timers } from '../timers.js';
import { requireFunction, requirePositive } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { BreakerState, CheckOutcome } from './types.js';

export interface ModelCheckOptions {
  /** Runs one probe inference; resolves with its inference time in milliseconds, rejects on failure. */
  probe: () => Promise<number>;
  /** The inference policy's breaker (CallPolicy.breakerState). */
  breakerState?: () => BreakerState;
  /** False until the model is loaded. */
  loaded?: () => boolean;
  /** health.slow_inference_ms (default 1000). */
  slowMs: number;
  /** health.model_probe_interval_ms (default 30000). */
  probeIntervalMs: number;
  /** health.check_interval_ms: how often the breaker is read. */
  intervalMs: number;
  /** A probe that has not answered by then is unhealthy, milliseconds. Default 5000. */
  probeTimeoutMs?: number;
  name?: string;
  /** Milliseconds clock for probe scheduling; default Date.now. */
  now?: () => number;
  timers?: Timers;
}

interface ProbeResult {
  ok: boolean;
  ms: number;
  error?: string;
  atMs: number;
}

export class ModelCheck extends CheckBase {
  private readonly opts: ModelCheckOptions;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;
  private readonly timers: Timers;
  private last: ProbeResult | null = null;
  private inFlight: { promise: Promise<void>; startedAt: number } | null = null;

  constructor(opts: ModelCheckOptions) {
    super(opts, { name: 'model' });
    requireFunction('probe', opts.probe);
    if (opts.breakerState !== undefined) requireFunction('breakerState', opts.breakerState);
    if (opts.loaded !== undefined) requireFunction('loaded', opts.loaded);
    requirePositive('slowMs', opts.slowMs);
    requirePositive('probeIntervalMs', opts.probeIntervalMs);
    this.probeTimeoutMs = requirePositive('probeTimeoutMs', opts.probeTimeoutMs ?? 5000);
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? realTimers;
  }

  async run(): Promise<CheckOutcome> {
    if (this.opts.loaded?.() === false)
      return { status: 'unhealthy', message: 'model not loaded', details: {} };
    const breaker = this.opts.breakerState?.() ?? 'closed';
    if (breaker === 'open' || breaker === 'isolated') {
      return {
        status: 'unhealthy',
        message: `inference circuit breaker is ${breaker}; frames are not inferred`,
        details: this.details(breaker),
      };
    }
    const now = this.now();
    if (
      !this.inFlight &&
      (this.last === null || !this.last.ok || now - this.last.atMs >= this.opts.probeIntervalMs)
    ) {
      this.startProbe(now);
    }
    if (this.inFlight) {
      const remaining = this.probeTimeoutMs - (now - this.inFlight.startedAt);
      const done =
        remaining > 0 &&
        (await raceTimeout(
          this.inFlight.promise.then(() => true),
          remaining,
          this.timers,
          () => false,
        ));
      if (!done) {
        return {
          status: 'unhealthy',
          message: `probe inference did not answer within ${this.probeTimeoutMs} ms`,
          details: this.details(breaker),
        };
      }
    }
    const last = this.last;
    if (last === null)
      return {
        status: 'unhealthy',
        message: 'no probe inference yet',
        details: this.details(breaker),
      };
    if (!last.ok)
      return {
        status: 'unhealthy',
        message: `probe inference failed: ${last.error ?? 'unknown error'}`,
        details: this.details(breaker),
      };
    if (last.ms > this.opts.slowMs) {
      return {
        status: 'degraded',
        message: `slow inference: ${last.ms.toFixed(1)} ms > ${this.opts.slowMs} ms`,
        details: this.details(breaker),
      };
    }
    if (breaker === 'half-open') {
      return {
        status: 'degraded',
        message: 'inference circuit breaker is half-open (trial calls)',
        details: this.details(breaker),
      };
    }
    return {
      status: 'healthy',
      message: `probe inference ${last.ms.toFixed(1)} ms`,
      details: this.details(breaker),
    };
  }

  private startProbe(now: number): void {
    const span = startSpan(SPANS.modelProbe.name, { root: true });
    const promise = Promise.resolve()
      .then(() => this.opts.probe())
      .then((ms) => {
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
          throw new TypeError(`probe returned ${String(ms)}, not a duration in ms`);
        }
        this.last = { ok: true, ms, atMs: now };
      })
      .catch((err: unknown) => {
        this.last = { ok: false, ms: 0, error: describeError(err), atMs: now };
        recordSpanError(span, err);
      })
      .finally(() => {
        span.end();
        this.inFlight = null;
      });
    this.inFlight = { promise, startedAt: now };
  }

  private details(breaker: BreakerState): Record<string, unknown> {
    const last = this.last;
    return {
      breaker,
      probe_ms: last?.ok === true ? Math.round(last.ms * 100) / 100 : null,
      probe_error: last?.ok === false ? last.error : null,
      probe_age_ms: last ? Math.max(0, this.now() - last.atMs) : null,
      slow_ms: this.opts.slowMs,
      probe_interval_ms: this.opts.probeIntervalMs,
    };
  }
}

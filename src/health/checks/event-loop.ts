/**
 * Event-loop delay (liveness): p99 over the last interval above `degradedMs` is degraded, the
 * maximum above `unhealthyMs` is unhealthy. Sets adeline_event_loop_delay_p99_seconds/_max_seconds.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HealthStatus } from '../../domain/health.js';
import { setGauge } from '../../telemetry/metrics.js';
import { requirePositive } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { CheckOutcome } from './types.js';

/** The part of perf_hooks' IntervalHistogram the check reads (values in nanoseconds). */
export interface DelayHistogram {
  percentile(p: number): number;
  readonly max: number;
  readonly count?: number;
  reset(): void;
  disable(): boolean | void;
}

export interface EventLoopCheckOptions {
  /** health.event_loop_degraded_ms (default 100). */
  degradedMs: number;
  /** health.event_loop_unhealthy_ms (default 2000). */
  unhealthyMs: number;
  /** health.check_interval_ms (default 1000): the window each run reports on. */
  intervalMs: number;
  name?: string;
  /** Sampling resolution of the default histogram, milliseconds. Default 10. */
  resolutionMs?: number;
  /** For tests: a histogram to read instead of monitorEventLoopDelay(). */
  histogram?: DelayHistogram;
}

const NS_PER_MS = 1e6;

export class EventLoopDelayCheck extends CheckBase {
  private readonly degradedMs: number;
  private readonly unhealthyMs: number;
  private readonly histogram: DelayHistogram;

  constructor(opts: EventLoopCheckOptions) {
    super(opts, { name: 'event_loop', liveness: true });
    this.degradedMs = requirePositive('degradedMs', opts.degradedMs);
    this.unhealthyMs = requirePositive('unhealthyMs', opts.unhealthyMs);
    if (this.unhealthyMs < this.degradedMs) {
      throw new RangeError(
        `unhealthyMs (${this.unhealthyMs}) must be >= degradedMs (${this.degradedMs})`,
      );
    }
    if (opts.histogram) {
      this.histogram = opts.histogram;
    } else {
      const h = monitorEventLoopDelay({
        resolution: requirePositive('resolutionMs', opts.resolutionMs ?? 10),
      });
      h.enable();
      this.histogram = h;
    }
  }

  run(): Promise<CheckOutcome> {
    const h = this.histogram;
    const empty = h.count === 0 || !Number.isFinite(h.max) || h.max <= 0;
    const p99Ms = empty ? 0 : h.percentile(99) / NS_PER_MS;
    const maxMs = empty ? 0 : h.max / NS_PER_MS;
    h.reset();
    setGauge('eventLoopDelayP99', p99Ms / 1000);
    setGauge('eventLoopDelayMax', maxMs / 1000);
    let status: HealthStatus = 'healthy';
    let message = `event-loop delay p99 ${p99Ms.toFixed(1)} ms, max ${maxMs.toFixed(1)} ms`;
    if (maxMs > this.unhealthyMs) {
      status = 'unhealthy';
      message = `event loop blocked: max delay ${maxMs.toFixed(0)} ms > ${this.unhealthyMs} ms`;
    } else if (p99Ms > this.degradedMs) {
      status = 'degraded';
      message = `event loop slow: p99 delay ${p99Ms.toFixed(1)} ms > ${this.degradedMs} ms`;
    }
    const details = {
      p99_ms: round(p99Ms),
      max_ms: round(maxMs),
      degraded_ms: this.degradedMs,
      unhealthy_ms: this.unhealthyMs,
    };
    return Promise.resolve({ status, message, details });
  }

  /** Stops sampling (the app calls it on shutdown). Idempotent. */
  close(): void {
    this.histogram.disable();
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

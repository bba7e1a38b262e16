/**
 * Event-loop delay (liveness): p99 over the last interval above `degradedMs` is degraded, the
 * maximum above `unhealthyMs` is unhealthy. Sets adeline_event_loop_delay_p99_seconds/_max_seconds.
 *
 * The delay is how late a timer fires. perf_hooks' monitorEventLoopDelay records the time between
 * two runs of its `resolution` timer, so an idle loop reads about 10 ms at the default 10 ms
 * resolution (nodejs/node#32018 says so: it "measures the time between uv_timer_t calls"). The
 * check subtracts the resolution, so an idle loop reads about 0 and a 30 ms block reads about 30.
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
  /**
   * Sampling resolution of the default histogram, milliseconds. Default 10. Subtracted from what
   * the histogram records (the interval between its timer's runs) to give the delay.
   */
  resolutionMs?: number;
  /** For tests: a histogram to read instead of monitorEventLoopDelay(); `resolutionMs` defaults to 0 then. */
  histogram?: DelayHistogram;
}

const NS_PER_MS = 1e6;

export class EventLoopDelayCheck extends CheckBase {
  private readonly degradedMs: number;
  private readonly unhealthyMs: number;
  private readonly histogram: DelayHistogram;
  /** The histogram's timer period, ms: what it records on a loop that is never late. */
  private readonly tickMs: number;

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
      this.tickMs = opts.resolutionMs ?? 0;
    } else {
      this.tickMs = requirePositive('resolutionMs', opts.resolutionMs ?? 10);
      const h = monitorEventLoopDelay({ resolution: this.tickMs });
      h.enable();
      this.histogram = h;
    }
  }

  run(): Promise<CheckOutcome> {
    const h = this.histogram;
    const empty = h.count === 0 || !Number.isFinite(h.max) || h.max <= 0;
    const late = (ns: number) => Math.max(0, ns / NS_PER_MS - this.tickMs);
    const p99Ms = empty ? 0 : late(h.percentile(99));
    const maxMs = empty ? 0 : late(h.max);
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

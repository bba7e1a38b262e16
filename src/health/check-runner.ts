/**
 * Runs one health check on its own timer and keeps its last result. A run that throws, returns
 * garbage or overruns the timeout becomes unhealthy with the reason. While a timed-out run still
 * hangs, the check is not started again (no pile-up); it reports how long it has been stuck.
 */
import type { HealthCheck, HealthCheckResult } from '../domain/health.js';
import { healthStatusValue } from '../domain/health.js';
import { describeError } from '../domain/errors.js';
import { setGauge } from '../telemetry/metrics.js';
import { logEvent, type Logger } from '../telemetry/logger.js';
import type { CheckOutcome } from './checks/types.js';
import { raceTimeout, type Clock, type TimerHandle, type Timers } from './timers.js';
import { checkRunOutcome } from './validate.js';

export interface RunnerDeps {
  timeoutMs: number;
  clock: Clock;
  timers: Timers;
  logger: () => Logger;
}

const TIMED_OUT = Symbol('timed out');

export class CheckRunner {
  result: HealthCheckResult | null = null;
  private timer: TimerHandle | null = null;
  /** The current run, bounded by the timeout. */
  private running: Promise<void> | null = null;
  /** Set while the check's own promise has not settled (it may outlive a timeout). */
  private hungSince: number | null = null;
  private active = false;

  constructor(
    readonly check: HealthCheck,
    private readonly deps: RunnerDeps,
  ) {}

  /** Runs at once, then every intervalMs. */
  start(): void {
    this.active = true;
    void this.tick();
  }

  stop(): void {
    this.active = false;
    this.clearTimer();
  }

  /** Runs now (or joins the run in progress) and resolves when the result is cached. */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.clearTimer();
    const run = this.execute().finally(() => {
      this.running = null;
      if (this.active) {
        this.timer = this.deps.timers.setTimeout(() => void this.tick(), this.check.intervalMs);
      }
    });
    this.running = run;
    return run;
  }

  /** The cached result, or an unhealthy "not checked yet" placeholder. */
  current(): HealthCheckResult {
    return this.result ?? this.resultOf({ status: 'unhealthy', message: 'not checked yet' }, 0, 0);
  }

  private async execute(): Promise<void> {
    const { clock, timers, timeoutMs } = this.deps;
    const t0 = clock.monotonic();
    if (this.hungSince !== null) {
      const ms = Math.round(t0 - this.hungSince);
      this.record({ status: 'unhealthy', message: `check still running after ${ms} ms` }, 0);
      return;
    }
    const own = Promise.resolve().then(() => this.check.run());
    this.hungSince = t0;
    const settled = (): void => void (this.hungSince = null);
    own.then(settled, settled);
    let outcome: CheckOutcome;
    try {
      const got = await raceTimeout<unknown>(own, timeoutMs, timers, () => TIMED_OUT);
      outcome =
        got === TIMED_OUT
          ? { status: 'unhealthy', message: `check timed out after ${timeoutMs} ms` }
          : checkRunOutcome(got);
    } catch (err) {
      outcome = { status: 'unhealthy', message: `check failed: ${describeError(err)}` };
    }
    this.record(outcome, clock.monotonic() - t0);
  }

  private record(outcome: CheckOutcome, durationMs: number): void {
    const previous = this.result;
    const result = this.resultOf(outcome, durationMs, this.deps.clock.now());
    this.result = result;
    try {
      setGauge('healthStatus', healthStatusValue(result.status), { check: result.name });
      const changed = previous ? previous.status !== result.status : result.status !== 'healthy';
      if (changed) {
        const from = previous?.status ?? 'unknown';
        const msg = `health check ${result.name}: ${from} → ${result.status}`;
        logEvent(this.deps.logger(), 'health_changed', msg, {
          check: result.name,
          from,
          to: result.status,
          reason: result.message,
        });
      }
    } catch {
      /* telemetry never throws into the registry (STYLE.md 13) */
    }
  }

  private resultOf(outcome: CheckOutcome, durationMs: number, atMs: number): HealthCheckResult {
    return {
      name: this.check.name,
      status: outcome.status,
      message: outcome.message,
      durationMs,
      checkedAtMs: atMs,
      details: outcome.details ?? {},
      readiness: this.check.readiness !== false,
      liveness: this.check.liveness === true,
    };
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

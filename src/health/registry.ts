/**
 * The health check registry. Each check runs on its own timer and its last result is cached, so
 * probes only read memory (DESIGN.md, Health semantics). A check that throws, returns garbage or
 * overruns its timeout becomes unhealthy with the reason; it never crashes the registry.
 */
import type { HealthCheck, HealthCheckResult, HealthStatus } from '../domain/health.js';
import { healthStatusValue, worstStatus } from '../domain/health.js';
import { describeError } from '../domain/errors.js';
import { setGauge } from '../telemetry/metrics.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { raceTimeout, realClock, realTimers, type Clock, type TimerHandle, type Timers } from './timers.js';
import { checkRunOutcome, validateCheck } from './validate.js';

export interface HealthRegistryOptions {
  /** A run that takes longer is cut short and reported unhealthy, milliseconds. Default 10000. */
  timeoutMs?: number;
  clock?: Clock;
  timers?: Timers;
  logger?: Logger;
}

/** The aggregate of a set of checks: the worst status, and the results it came from. */
export interface HealthView {
  status: HealthStatus;
  checks: HealthCheckResult[];
}

export interface ReadyView extends HealthView {
  shuttingDown: boolean;
}

interface Entry {
  check: HealthCheck;
  result: HealthCheckResult | null;
  timer: TimerHandle | null;
  /** The current scheduled run (bounded by the timeout). */
  running: Promise<void> | null;
  /** The check's own promise, while it has not settled (it may outlive a timeout). */
  hung: { since: number } | null;
}

const TIMED_OUT = Symbol('timed out');

export class HealthRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly log: Logger | undefined;
  private started = false;
  private shuttingDown = false;

  constructor(opts: HealthRegistryOptions = {}) {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
    }
    this.timeoutMs = timeoutMs;
    this.clock = opts.clock ?? realClock;
    this.timers = opts.timers ?? realTimers;
    this.log = opts.logger;
  }

  /** Adds a check. After start() its first run happens at once. Names are unique. */
  register(check: HealthCheck): void {
    validateCheck(check);
    if (this.entries.has(check.name)) throw new RangeError(`health check "${check.name}" is already registered`);
    const entry: Entry = { check, result: null, timer: null, running: null, hung: null };
    this.entries.set(check.name, entry);
    if (this.started) void this.tick(entry);
  }

  /** Removes a check and its timer; returns whether it was registered. */
  unregister(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    this.clearTimer(entry);
    this.entries.delete(name);
    return true;
  }

  /** Starts every check's timer, running each once at once. Idempotent. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      for (const entry of this.entries.values()) void this.tick(entry);
    }
    return Promise.resolve();
  }

  /** Stops every timer; cached results stay readable. Idempotent. */
  stop(): Promise<void> {
    this.started = false;
    for (const entry of this.entries.values()) this.clearTimer(entry);
    return Promise.resolve();
  }

  /** Runs one check (or all) now and resolves when the results are cached. */
  async runNow(name?: string): Promise<void> {
    const entries = name === undefined ? [...this.entries.values()] : [this.entries.get(name)];
    if (entries.some((e) => e === undefined)) throw new RangeError(`no health check named "${String(name)}"`);
    await Promise.all(entries.map((e) => this.tick(e as Entry)));
  }

  /** Makes readiness fail at once (shutdown step 1). */
  setShuttingDown(value = true): void {
    this.shuttingDown = value;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Every check's last result; a check that has not run yet shows as unhealthy, "not checked yet". */
  results(): HealthCheckResult[] {
    return [...this.entries.values()].map((e) => e.result ?? this.pendingResult(e.check));
  }

  get(name: string): HealthCheckResult | undefined {
    const entry = this.entries.get(name);
    return entry ? (entry.result ?? this.pendingResult(entry.check)) : undefined;
  }

  /** All checks: the status of `GET /health` and `/health/detailed`. */
  overall(): HealthView {
    return view(this.results());
  }

  /** Liveness checks only; checks that have not run yet are left out. No liveness check: healthy. */
  live(): HealthView {
    const checks: HealthCheckResult[] = [];
    for (const e of this.entries.values()) if (e.check.liveness === true && e.result) checks.push(e.result);
    return view(checks);
  }

  /** Readiness checks only (the default), plus the shutting-down flag, which fails it at once. */
  ready(): ReadyView {
    const checks = [...this.entries.values()]
      .filter((e) => e.check.readiness !== false)
      .map((e) => e.result ?? this.pendingResult(e.check));
    const v = view(checks);
    return { status: this.shuttingDown ? 'unhealthy' : v.status, checks: v.checks, shuttingDown: this.shuttingDown };
  }

  private tick(entry: Entry): Promise<void> {
    if (entry.running) return entry.running;
    this.clearTimer(entry);
    const run = this.execute(entry).finally(() => {
      entry.running = null;
      if (this.started && this.entries.get(entry.check.name) === entry) {
        entry.timer = this.timers.setTimeout(() => void this.tick(entry), entry.check.intervalMs);
      }
    });
    entry.running = run;
    return run;
  }

  private async execute(entry: Entry): Promise<void> {
    const { check } = entry;
    const t0 = this.clock.monotonic();
    if (entry.hung) {
      const ms = Math.round(t0 - entry.hung.since);
      this.record(entry, { status: 'unhealthy', message: `check still running after ${ms} ms` }, 0);
      return;
    }
    const own = Promise.resolve().then(() => check.run());
    entry.hung = { since: t0 };
    own.then(
      () => (entry.hung = null),
      () => (entry.hung = null),
    );
    let outcome: Omit<HealthCheckResult, 'name' | 'durationMs' | 'checkedAtMs'>;
    try {
      const got = await raceTimeout<unknown>(own, this.timeoutMs, this.timers, () => TIMED_OUT);
      outcome =
        got === TIMED_OUT
          ? { status: 'unhealthy', message: `check timed out after ${this.timeoutMs} ms` }
          : checkRunOutcome(got);
    } catch (err) {
      outcome = { status: 'unhealthy', message: `check failed: ${describeError(err)}` };
    }
    this.record(entry, outcome, this.clock.monotonic() - t0);
  }

  private record(
    entry: Entry,
    outcome: Omit<HealthCheckResult, 'name' | 'durationMs' | 'checkedAtMs'>,
    durationMs: number,
  ): void {
    const { check } = entry;
    const previous = entry.result;
    const result: HealthCheckResult = {
      name: check.name,
      status: outcome.status,
      message: outcome.message,
      durationMs,
      checkedAtMs: this.clock.now(),
      details: outcome.details ?? {},
      readiness: check.readiness !== false,
      liveness: check.liveness === true,
    };
    entry.result = result;
    try {
      setGauge('healthStatus', healthStatusValue(result.status), { check: check.name });
      const changed = previous ? previous.status !== result.status : result.status !== 'healthy';
      if (changed) {
        const from = previous?.status ?? 'unknown';
        logEvent(this.logger(), 'health_changed', `health check ${check.name}: ${from} → ${result.status}`, {
          check: check.name,
          from,
          to: result.status,
          reason: result.message,
        });
      }
    } catch {
      /* telemetry never throws into the registry (STYLE.md 13) */
    }
  }

  private logger(): Logger {
    return this.log ?? getLogger('health');
  }

  private pendingResult(check: HealthCheck): HealthCheckResult {
    return {
      name: check.name,
      status: 'unhealthy',
      message: 'not checked yet',
      durationMs: 0,
      checkedAtMs: 0,
      details: {},
      readiness: check.readiness !== false,
      liveness: check.liveness === true,
    };
  }

  private clearTimer(entry: Entry): void {
    if (entry.timer !== null) this.timers.clearTimeout(entry.timer);
    entry.timer = null;
  }
}

function view(checks: HealthCheckResult[]): HealthView {
  return { status: worstStatus(checks.map((c) => c.status)), checks };
}

/**
 * The health check registry. Each check runs on its own timer (check-runner.ts) and its last
 * result is cached, so probes only read memory (DESIGN.md, Health semantics). The aggregates are
 * the worst status of the checks they count: all (`overall`), liveness, or readiness plus the
 * shutting-down flag, which fails readiness at once.
 */
import type { HealthCheck, HealthCheckResult, HealthStatus } from '../domain/health.js';
import { worstStatus } from '../domain/health.js';
import { getLogger, type Logger } from '../telemetry/logger.js';
import { CheckRunner } from './check-runner.js';
import { realClock, realTimers, type Clock, type Timers } from './timers.js';
import { requirePositive, validateCheck } from './validate.js';

export interface HealthRegistryOptions {
  /** A run that takes longer is cut short and reported unhealthy, milliseconds. Default 10000. */
  timeoutMs?: number;
  clock?: Clock;
  timers?: Timers;
  /** Default: the `health` component logger. */
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

export class HealthRegistry {
  private readonly runners = new Map<string, CheckRunner>();
  private readonly deps: ConstructorParameters<typeof CheckRunner>[1];
  private started = false;
  private shuttingDown = false;

  constructor(opts: HealthRegistryOptions = {}) {
    const log = opts.logger;
    this.deps = {
      timeoutMs: requirePositive('timeoutMs', opts.timeoutMs ?? 10_000),
      clock: opts.clock ?? realClock,
      timers: opts.timers ?? realTimers,
      logger: () => log ?? getLogger('health'),
    };
  }

  /** Adds a check. After start() its first run happens at once. Names are unique. */
  register(check: HealthCheck): void {
    validateCheck(check);
    if (this.runners.has(check.name)) {
      throw new RangeError(`health check "${check.name}" is already registered`);
    }
    const runner = new CheckRunner(check, this.deps);
    this.runners.set(check.name, runner);
    if (this.started) runner.start();
  }

  /** Removes a check and its timer; returns whether it was registered. */
  unregister(name: string): boolean {
    const runner = this.runners.get(name);
    runner?.stop();
    return this.runners.delete(name);
  }

  /** Starts every check's timer, running each once at once. Idempotent. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      for (const r of this.runners.values()) r.start();
    }
    return Promise.resolve();
  }

  /** Stops every timer; cached results stay readable. Idempotent. */
  stop(): Promise<void> {
    this.started = false;
    for (const r of this.runners.values()) r.stop();
    return Promise.resolve();
  }

  /** Runs one check (or all) now and resolves when the results are cached. */
  async runNow(name?: string): Promise<void> {
    if (name === undefined) {
      await Promise.all([...this.runners.values()].map((r) => r.tick()));
      return;
    }
    const runner = this.runners.get(name);
    if (!runner) throw new RangeError(`no health check named "${name}"`);
    await runner.tick();
  }

  /** Makes readiness fail at once (shutdown step 1). */
  setShuttingDown(value = true): void {
    this.shuttingDown = value;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Every check's last result; one that has not run yet shows as unhealthy, "not checked yet". */
  results(): HealthCheckResult[] {
    return [...this.runners.values()].map((r) => r.current());
  }

  get(name: string): HealthCheckResult | undefined {
    return this.runners.get(name)?.current();
  }

  /** All checks: the status of `GET /health` and `/health/detailed`. */
  overall(): HealthView {
    return view(this.results());
  }

  /** Liveness checks that have run. No liveness check: healthy. */
  live(): HealthView {
    const checks: HealthCheckResult[] = [];
    for (const r of this.runners.values()) {
      if (r.check.liveness === true && r.result) checks.push(r.result);
    }
    return view(checks);
  }

  /** Readiness checks (the default), plus the shutting-down flag, which fails it at once. */
  ready(): ReadyView {
    const checks: HealthCheckResult[] = [];
    for (const r of this.runners.values())
      if (r.check.readiness !== false) checks.push(r.current());
    const status = this.shuttingDown ? 'unhealthy' : worstStatus(checks.map((c) => c.status));
    return { status, checks, shuttingDown: this.shuttingDown };
  }
}

function view(checks: HealthCheckResult[]): HealthView {
  return { status: worstStatus(checks.map((c) => c.status)), checks };
}

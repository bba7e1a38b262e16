/**
 * Runs a declarative list of parts (app/parts.ts): starts them in order, and stops the started
 * ones in reverse (STYLE.md 5) within ONE stop budget, shutdown.grace_period, shared by every
 * step. A step that throws or outlasts what is left of the budget is logged and abandoned; the
 * steps after it still run (with what is left, possibly nothing), so the stop never outlasts the
 * grace period by more than the steps' own synchronous work.
 */
import { describeError } from '../domain/errors.js';
import { getLogger } from '../telemetry/logger.js';

const log = getLogger('app');

/** What a stop step may spend: a share of the grace period, never more than what is left. */
export class StopBudget {
  private readonly deadline: number;

  constructor(
    readonly graceMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(graceMs >= 0)) throw new RangeError(`graceMs must be >= 0, got ${graceMs}`);
    this.deadline = now() + graceMs;
  }

  /** Milliseconds left (0 once spent). */
  remainingMs(): number {
    return Math.max(0, this.deadline - this.now());
  }

  /** `fraction` of the whole grace period, capped by what is left. */
  share(fraction: number): number {
    return Math.min(this.graceMs * fraction, this.remainingMs());
  }
}

export interface Part {
  name: string;
  /** Starts the part (builds it if it has to); a rejection stops the parts started before it. */
  start?: () => Promise<void> | void;
  /** Stops the part; it may read the budget to bound its own waiting (drains). */
  stop?: (budget: StopBudget) => Promise<void> | void;
  /** false leaves the part out (a disabled feature). Default true. */
  enabled?: boolean;
}

export class Lifecycle {
  private readonly started: Part[] = [];

  /** Starts each enabled part in order; a part is stopped later only once its start succeeded. */
  async startAll(parts: readonly Part[]): Promise<void> {
    for (const part of parts) {
      if (part.enabled === false) continue;
      await part.start?.();
      this.started.push(part);
    }
  }

  /** Names of the started parts, in start order. */
  startedNames(): string[] {
    return this.started.map((p) => p.name);
  }

  /** Stops everything started, newest first, all within `budget`. Never rejects. */
  async stopAll(budget: StopBudget): Promise<void> {
    while (this.started.length > 0) {
      const part = this.started.pop() as Part;
      const stop = part.stop;
      if (stop) await runStep(part.name, () => stop(budget), budget);
    }
  }
}

/** Runs one stop step, abandoned (and logged) when it throws or outlasts the budget left. */
export async function runStep(
  name: string,
  step: () => Promise<void> | void,
  budget: StopBudget,
): Promise<void> {
  const allowedMs = budget.remainingMs();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(step),
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `did not stop within the ${Math.round(allowedMs)} ms left of shutdown.grace_period`,
              ),
            ),
          allowedMs,
        );
      }),
    ]);
  } catch (err) {
    log.warn(
      { event: 'service_stopping', component: name, error: describeError(err) },
      `stopping ${name} failed: ${describeError(err)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts components in order and stops the started ones in reverse (STYLE.md 5). A stop that
 * throws or hangs is logged and skipped so the rest still stop.
 */
import { describeError } from '../domain/errors.js';
import { getLogger } from '../telemetry/logger.js';

const log = getLogger('app');

export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

export class Lifecycle {
  private readonly started: Stoppable[] = [];

  /** Runs start(); on success remembers the component for the reverse stop. */
  async start(
    name: string,
    start: () => Promise<void> | void,
    stop: () => Promise<void> | void,
  ): Promise<void> {
    await start();
    this.started.push({ name, stop });
  }

  /** Registers something already running (or with nothing to start). */
  add(name: string, stop: () => Promise<void> | void): void {
    this.started.push({ name, stop });
  }

  /** Stops everything started, newest first, each within perStepMs. */
  async stopAll(perStepMs: number): Promise<void> {
    while (this.started.length > 0) {
      const c = this.started.pop() as Stoppable;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(() => c.stop()),
          new Promise<void>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`did not stop within ${perStepMs} ms`)),
              perStepMs,
            );
          }),
        ]);
      } catch (err) {
        log.warn(
          { event: 'service_stopping', component: c.name, error: describeError(err) },
          `stopping ${c.name} failed: ${describeError(err)}`,
        );
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

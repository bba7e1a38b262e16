/** A tiny typed event: listeners run in order; one that throws (or rejects) is logged, never rethrown. */
import { getLogger, type Logger } from '../telemetry/logger.js';

/** Looked up per use, so a logger configured after import (configureLogger) is used. */
const log = (): Logger => getLogger('mqtt');

export class Signal<A extends unknown[]> {
  private readonly fns = new Set<(...args: A) => unknown>();

  /** Returns an unsubscribe function. */
  on(fn: (...args: A) => unknown): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  emit(...args: A): void {
    for (const fn of this.fns) {
      try {
        const r = fn(...args);
        if (r instanceof Promise)
          r.catch((err: unknown) => log().error({ err }, 'MQTT listener failed'));
      } catch (err) {
        log().error({ err }, 'MQTT listener failed');
      }
    }
  }
}

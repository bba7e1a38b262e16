/**
 * Injectable clock and timers (STYLE.md 16): the registry and the checks take these so that tests
 * drive time by hand. The defaults unref their timers: health checks never keep the process alive.
 */
import { performance } from 'node:perf_hooks';

export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface Clock {
  /** Wall-clock time, epoch milliseconds (checked_at, timestamps). */
  now(): number;
  /** Monotonic time, milliseconds (durations). */
  monotonic(): number;
}

export const realTimers: Timers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** Resolves with `onTimeout()` after `ms` unless `promise` settles first; always clears its timer. */
export function raceTimeout<T>(
  promise: Promise<T>,
  ms: number,
  timers: Timers,
  onTimeout: () => T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = timers.setTimeout(() => resolve(onTimeout()), ms);
    promise.then(
      (v) => {
        timers.clearTimeout(handle);
        resolve(v);
      },
      (err: unknown) => {
        timers.clearTimeout(handle);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Measurement windows: a benchmark measures for a duration, it does not wait for an event. */
import { setTimeout as delay } from 'node:timers/promises';

export const sleep = (ms: number): Promise<void> => delay(ms).then(() => undefined);

export const nowMs = (): number => performance.now();

/** Calls `sample` every `intervalMs` until stop() is called; stop() resolves when it has. */
export function every(intervalMs: number, sample: () => void | Promise<void>): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await sleep(intervalMs);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

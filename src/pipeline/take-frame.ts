/** source.next() that gives up as soon as `signal` aborts; a frame that arrives later is released. */
import type { Frame } from '../domain/frame.js';
import type { FrameSource } from '../source/frame-source.js';

export function takeFrame(
  source: FrameSource,
  signal: AbortSignal,
  onError: (err: unknown) => void,
  onLateFrame: () => void,
): Promise<Frame | null> {
  const next = source.next().catch((err: unknown) => {
    onError(err);
    return null;
  });
  if (signal.aborted) {
    void next.then((f) => f && (f.release(), onLateFrame()));
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    void next.then((frame) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted && frame) {
        frame.release();
        onLateFrame();
        resolve(null);
      } else resolve(frame);
    });
  });
}

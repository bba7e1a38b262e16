/**
 * Keeps a stream connected: each attempt runs ffmpeg until its first frame (or fails within
 * the connect timeout); the injected ReconnectPolicy retries failed attempts with backoff,
 * forever; a connected session that ends starts the next round. Ends when `signal` aborts.
 */
import type { AdelineError } from '../../domain/errors.js';
import type { ReconnectPolicy } from '../../resilience/types.js';
import type { FfmpegSession, SessionEnd } from './ffmpeg-session.js';

export interface StreamLoopHooks {
  policy: ReconnectPolicy;
  signal: AbortSignal;
  connectTimeoutMs: number;
  /** Spawns one ffmpeg session. */
  open(): FfmpegSession;
  toError(end: SessionEnd): AdelineError;
  /** Every attempt after the very first one (adeline_source_reconnects_total). */
  onReconnectAttempt(): void;
  onConnected(): void;
  /** An attempt failed before its first frame. */
  onConnectFailed(err: AdelineError): void;
  /** A connected stream was lost. */
  onLost(err: AdelineError, end: SessionEnd): void;
}

async function connectOnce(h: StreamLoopHooks): Promise<FfmpegSession> {
  const s = h.open();
  const timer = setTimeout(
    () => void s.kill('timeout', `no frame within ${h.connectTimeoutMs} ms`),
    h.connectTimeoutMs,
  );
  try {
    await s.firstFrame;
    h.onConnected();
    return s;
  } catch (end) {
    const err = h.toError(end as SessionEnd);
    if (!h.signal.aborted) h.onConnectFailed(err);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export async function runStreamLoop(h: StreamLoopHooks): Promise<void> {
  let attempts = 0;
  while (!h.signal.aborted) {
    let session: FfmpegSession;
    try {
      session = await h.policy.run(() => {
        if (attempts++ > 0) h.onReconnectAttempt();
        return connectOnce(h);
      }, h.signal);
    } catch {
      return; // aborted
    }
    const end = await session.done;
    if (h.signal.aborted) return;
    h.onLost(h.toError(end), end);
  }
}

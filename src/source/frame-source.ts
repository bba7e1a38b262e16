import type { Frame } from '../domain/frame.js';
import type { SourceState } from '../domain/source-state.js';

export { SOURCE_STATES, type SourceState } from '../domain/source-state.js';

export type SourceKind = 'synthetic' | 'file' | 'stream';

export interface SourceStatus {
  state: SourceState;
  /** Epoch ms when the state was entered. */
  sinceMs: number;
  /** Frames read from the source (before drops). */
  framesRead: number;
  /** Epoch ms of the last frame read, or null. */
  lastFrameAtMs: number | null;
  reconnects: number;
  lastError?: string;
}

/**
 * A video source. Pull-based: the pipeline's frame loop (src/pipeline/frame-loop.ts) calls `next()`
 * when it has a slot for a frame. Sources only produce frames; pacing, admission and drop
 * accounting belong to the frame loop.
 * - Live sources keep reading on their own and hold only the latest frame; a frame replaced before
 *   anyone took it is reported through `onDrop` (latest wins).
 * - Non-live sources (files) read the next frame only when asked, so every frame is delivered in order.
 */
export interface FrameSource {
  readonly id: number;
  readonly kind: SourceKind;
  readonly live: boolean;
  /** A short description for logs (URL with credentials removed). */
  readonly description: string;
  /** Frames/s the source produces, when known (synthetic fps, stream fps from ffprobe). */
  nominalFps(): number | null;
  /**
   * Opens the source. Rejects with an AdelineError when it can never work (file not found,
   * ffmpeg missing). An unreachable stream does not reject: it reconnects with backoff.
   */
  start(): Promise<void>;
  /** The next frame; null when the source has ended (or was stopped). */
  next(): Promise<Frame | null>;
  /** Idempotent. Pending next() calls resolve null. */
  stop(): Promise<void>;
  status(): SourceStatus;
  /**
   * Set by the frame loop. A live source calls it once for each frame it replaced before anyone
   * took it; the loop attributes the reason (max_fps, backpressure, paused) and counts it.
   */
  onDrop?: () => void;
}

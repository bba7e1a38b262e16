/** A decoded video frame, RGB24, row-major, `width * height * 3` bytes. */
export interface Frame {
  /** Which source produced it (config `pipeline.sources[].id`, 0 for the first). */
  readonly sourceId: number;
  /** 1-based sequence number within its source (published as `frame.frame_id`). */
  readonly seq: number;
  readonly width: number;
  readonly height: number;
  /** Pixel data. May be a view into a buffer the source reuses: call `release()` when done. */
  readonly data: Uint8Array;
  /** Wall-clock capture time, epoch milliseconds. */
  readonly capturedAtMs: number;
  /** When reading/decoding this frame started, epoch milliseconds (for the capture span). */
  readonly decodeStartMs: number;
  /** Returns the pixel buffer to its source's pool. Idempotent. */
  release(): void;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across worker threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Reused pixel buffers (STYLE.md 11): a source copies decoded bytes into a buffer from the pool
 * and the pipeline gives it back with `frame.release()`, so steady state allocates nothing.
 */
import type { Frame } from '../domain/frame.js';

export class FramePool {
  private free: Uint8Array[] = [];
  private size = 0;
  /** Buffers handed out since the size last changed (for tests and health details). */
  allocated = 0;

  constructor(private readonly maxFree = 8) {}

  /** A buffer of exactly `bytes` bytes; reused when one is free. */
  acquire(bytes: number): Uint8Array {
    if (bytes !== this.size) {
      this.free = [];
      this.size = bytes;
      this.allocated = 0;
    }
    const buf = this.free.pop();
    if (buf) return buf;
    this.allocated++;
    return new Uint8Array(bytes);
  }

  /** Returns a buffer. Buffers of another size, or detached by a transfer, are left to the GC. */
  release(buf: Uint8Array): void {
    if (buf.byteLength !== this.size || this.free.length >= this.maxFree) return;
    this.free.push(buf);
  }

  freeCount(): number {
    return this.free.length;
  }
}

/** A Frame whose pixels come from a FramePool; release() is idempotent. */
export class PooledFrame implements Frame {
  private released = false;

  constructor(
    private readonly pool: FramePool,
    readonly sourceId: number,
    readonly seq: number,
    readonly width: number,
    readonly height: number,
    readonly data: Uint8Array,
    readonly capturedAtMs: number,
    readonly decodeStartMs: number,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool.release(this.data);
  }
}

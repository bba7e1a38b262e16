/**
 * Output buffers the main thread is done with wait here and travel back to the worker with the
 * next run, where ONNX Runtime writes the next output into them. Bounded; each buffer once.
 */
import type { RecycledOutput } from './worker-protocol.js';

const MAX_WAITING = 4;
const NONE: readonly RecycledOutput[] = Object.freeze([]);

export class OutputRecycler {
  private waiting: RecycledOutput[] = [];
  private readonly seen = new WeakSet<Float32Array>();

  constructor(private readonly outputName: string) {}

  /** Whether this output was already handed back. */
  has(data: Float32Array): boolean {
    return this.seen.has(data);
  }

  /** Hands an output back (idempotent); its buffer is detached once the next run is sent. */
  release(data: Float32Array): void {
    if (this.seen.has(data)) return;
    this.seen.add(data);
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    if (this.waiting.length < MAX_WAITING && whole && data.byteLength > 0) {
      this.waiting.push({ name: this.outputName, buffer: data.buffer as ArrayBuffer });
    }
  }

  /** The buffers to send with the next run. */
  take(): readonly RecycledOutput[] {
    if (this.waiting.length === 0) return NONE;
    const r = this.waiting;
    this.waiting = [];
    return r;
  }
}

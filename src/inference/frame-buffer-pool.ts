/**
 * A bounded pool of frame buffers for the worker's detect path. A buffer leaves with
 * prepareFrame(), is transferred to the worker and comes back with the detections; one lost with
 * a crashed or timed-out worker is replaced. A buffer grows when a larger frame comes along.
 */
export class FrameBuffer {
  busy = false;
  constructor(public data: ArrayBuffer) {}
}

export class FrameBufferPool {
  private readonly slots: FrameBuffer[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1 || size > 64)
      throw new RangeError(`poolSize must be an integer within 1..64, got ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(new FrameBuffer(new ArrayBuffer(0)));
  }

  /** A free buffer of at least `bytes`; throws RangeError when all are in use. */
  acquire(bytes: number): FrameBuffer {
    const s = this.slots.find((x) => !x.busy);
    if (!s)
      throw new RangeError(
        `all ${this.size} frame buffers are in use; pass each prepared frame to detect() or release() before preparing more, or raise poolSize`,
      );
    s.busy = true;
    if (s.data.byteLength < bytes) s.data = new ArrayBuffer(bytes);
    return s;
  }

  /** Returns a buffer, with the one that came back from the worker (null when it was lost). */
  release(slot: FrameBuffer, back: ArrayBuffer | null): void {
    if (back && back.byteLength > 0) slot.data = back;
    slot.busy = false;
  }

  get available(): number {
    return this.slots.filter((s) => !s.busy).length;
  }
}

/**
 * A bounded pool of model-input tensors, reused frame after frame. A tensor leaves the pool with
 * `prepare()`, travels to the worker (its buffer is transferred) and comes back with the result.
 * A buffer lost with a crashed or timed-out worker is replaced by a new one.
 */
export class TensorSlot {
  busy = false;
  constructor(public data: Float32Array) {}
}

export class TensorPool {
  private readonly slots: TensorSlot[] = [];

  constructor(
    readonly size: number,
    readonly length: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 64)
      throw new RangeError(`poolSize must be an integer within 1..64, got ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(new TensorSlot(new Float32Array(length)));
  }

  /** A free slot; throws RangeError when all are in use (a caller forgot infer() or release()). */
  acquire(): TensorSlot {
    for (const s of this.slots) {
      if (!s.busy) {
        s.busy = true;
        if (s.data.length !== this.length) s.data = new Float32Array(this.length);
        return s;
      }
    }
    throw new RangeError(
      `all ${this.size} input tensors are in use; pass each prepared input to infer() or release() before preparing more, or raise poolSize`,
    );
  }

  /** Returns a slot, with the buffer that came back from the worker (null when it was lost). */
  release(slot: TensorSlot, buffer: ArrayBuffer | null): void {
    if (buffer && buffer.byteLength === this.length * 4) slot.data = new Float32Array(buffer);
    else if (slot.data.length !== this.length) slot.data = new Float32Array(this.length);
    slot.busy = false;
  }

  get available(): number {
    return this.slots.filter((s) => !s.busy).length;
  }
}

/**
 * The pipeline's in-flight slots (pipeline.max_in_flight), with fair admission: source loops
 * queue in FIFO order and a freed slot goes straight to the oldest waiter, so sources take turns
 * (round-robin). A waiter whose signal aborts leaves the queue without a slot. STYLE.md 12: the
 * frames in flight are bounded here, and only here.
 */
interface Waiter {
  resolve(got: boolean): void;
  signal: AbortSignal;
  onAbort(): void;
}

export class AdmissionQueue {
  private readonly waiters: Waiter[] = [];
  private available: number;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`maxInFlight must be an integer >= 1, got ${capacity}`);
    this.available = capacity;
  }

  /** Resolves true with a slot, or false if `signal` aborted first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.available > 0 && this.waiters.length === 0) {
      this.available--;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const w: Waiter = {
        resolve,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(false);
        },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  /** Gives a slot back: to the oldest waiter, else to the pool. */
  release(): void {
    const w = this.waiters.shift();
    if (w) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.resolve(true);
    } else if (this.available < this.capacity) this.available++;
  }

  /** Slots held now. */
  inUse(): number {
    return this.capacity - this.available;
  }
}

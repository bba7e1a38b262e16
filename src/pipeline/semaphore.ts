/** A counting semaphore: bounds the frames in flight (STYLE.md 12: bound every queue). */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.available = capacity;
  }

  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else if (this.available < this.capacity) this.available++;
  }

  inUse(): number {
    return this.capacity - this.available;
  }

  /** Resolves when nothing is held (all in-flight work finished). */
  async idle(): Promise<void> {
    while (this.inUse() > 0) await new Promise((r) => setTimeout(r, 5));
  }
}

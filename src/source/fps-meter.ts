/** Frames/s over a moving window, from the arrival times of the last frames (a fixed ring). */
export class FpsMeter {
  private readonly stamps: Float64Array;
  private count = 0;
  private head = 0;

  constructor(
    private readonly windowMs = 3000,
    size = 128,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${windowMs}`);
    if (!Number.isInteger(size) || size < 2)
      throw new RangeError(`size must be an integer >= 2, got ${size}`);
    this.stamps = new Float64Array(size);
  }

  /** Records one frame at `nowMs`. */
  mark(nowMs: number): void {
    this.stamps[this.head] = nowMs;
    this.head = (this.head + 1) % this.stamps.length;
    if (this.count < this.stamps.length) this.count++;
  }

  /** Frames/s over the window ending at `nowMs`; 0 when no frame arrived within it. */
  fps(nowMs: number): number {
    const size = this.stamps.length;
    let n = 0;
    let oldest = nowMs;
    for (let i = 1; i <= this.count; i++) {
      const t = this.stamps[(this.head - i + size) % size]!;
      if (nowMs - t > this.windowMs) break;
      n++;
      oldest = t;
    }
    if (n === 0) return 0;
    // A full ring spans less than the window: measure over the span it covers.
    const span = n === this.stamps.length ? nowMs - oldest : this.windowMs;
    return span > 0 ? (n * 1000) / span : 0;
  }

  reset(): void {
    this.count = 0;
    this.head = 0;
  }
}

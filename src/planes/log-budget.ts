/**
 * Bounds how many lines a flood of bad input can write: `limit` lines per window, then silence
 * until the next window, whose first line reports how many were suppressed. Counting (metrics)
 * is never limited; only logging is.
 */
export class LogBudget {
  private windowStart = 0;
  private used = 0;
  private suppressed = 0;

  constructor(
    private readonly limit = 50,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** null: do not log. Otherwise the number of lines suppressed since the last one logged. */
  take(): number | null {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.used = 0;
    }
    if (this.used >= this.limit) {
      this.suppressed += 1;
      return null;
    }
    this.used += 1;
    const s = this.suppressed;
    this.suppressed = 0;
    return s;
  }
}

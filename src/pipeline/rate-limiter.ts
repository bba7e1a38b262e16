/**
 * Paces admissions to at most `maxFps` per second (0 = no cap) on a fixed grid, so timer jitter
 * does not accumulate; after a long pause it restarts the grid instead of bursting to catch up.
 */
import { checkMaxFps, frameIntervalMs } from '../domain/frame-rate.js';
import type { Clock } from './clock.js';

export class RateLimiter {
  private nextAtMs = -Infinity;
  private intervalMs = 0;

  constructor(
    maxFps: number,
    private readonly clock: Clock,
  ) {
    this.setMaxFps(maxFps);
  }

  setMaxFps(maxFps: number): void {
    this.intervalMs = frameIntervalMs(checkMaxFps(maxFps)) ?? 0;
  }

  /** Milliseconds until the next admission is allowed. */
  delayMs(): number {
    return this.intervalMs === 0 ? 0 : Math.max(0, this.nextAtMs - this.clock.now());
  }

  /** Waits until the next admission is allowed (returns at once when it already is, or on abort). */
  async wait(signal: AbortSignal): Promise<void> {
    const d = this.delayMs();
    if (d > 0) await this.clock.sleep(d, signal);
  }

  /** Records an admission now. */
  mark(): void {
    if (this.intervalMs === 0) return;
    const now = this.clock.now();
    if (now - this.nextAtMs < this.intervalMs / 2) this.nextAtMs += this.intervalMs;
    else this.nextAtMs = now + this.intervalMs;
  }
}

/**
 * Frame heartbeat (liveness): while the frame loop should be running, no frame processed within
 * max(factor × expected interval, minMs) means it is stuck. Paused, ended, and waiting for a
 * source (connecting or reconnecting) are not failures: the loop has nothing to do.
 */
import { requireFunction, requirePositive } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { CheckOutcome } from './types.js';

/** What the frame loop is doing: only `running` expects frames. */
export type FrameLoopMode = 'running' | 'waiting' | 'paused' | 'ended';

export interface FrameHeartbeatOptions {
  /** Epoch ms of the last frame the pipeline finished (published or spooled), or null. */
  lastFrameAtMs: () => number | null;
  /** Expected milliseconds between frames (1000 / effective fps), or null when unknown. */
  expectedIntervalMs: () => number | null;
  /** Default: always running. */
  mode?: () => FrameLoopMode;
  /** health.stall_factor (default 5). */
  factor: number;
  /** health.stall_min_ms (default 2000): never unhealthy sooner than this. */
  minMs: number;
  /** health.check_interval_ms. */
  intervalMs: number;
  name?: string;
  /** Default true: a stuck frame loop is what a restart fixes. */
  liveness?: boolean;
  /** Epoch ms; default Date.now. */
  now?: () => number;
}

export class FrameHeartbeatCheck extends CheckBase {
  private readonly opts: FrameHeartbeatOptions;
  private readonly now: () => number;
  /** The mode at the previous run (null before the first). */
  private previousMode: FrameLoopMode | null = null;
  /** When the loop (re)started running with no frame yet, or resumed after a pause/end/wait. */
  private runningSince: number | null = null;

  constructor(opts: FrameHeartbeatOptions) {
    super(opts, { name: 'frame_heartbeat', liveness: opts.liveness ?? true });
    requireFunction('lastFrameAtMs', opts.lastFrameAtMs);
    requireFunction('expectedIntervalMs', opts.expectedIntervalMs);
    if (opts.mode !== undefined) requireFunction('mode', opts.mode);
    requirePositive('factor', opts.factor);
    requirePositive('minMs', opts.minMs);
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  run(): Promise<CheckOutcome> {
    const mode = this.opts.mode?.() ?? 'running';
    const now = this.now();
    const last = this.opts.lastFrameAtMs();
    const lastAge = last === null ? null : Math.max(0, now - last);
    const previous = this.previousMode;
    this.previousMode = mode;
    if (mode !== 'running') {
      this.runningSince = null;
      const message = {
        waiting: 'waiting for a source; no frames expected',
        paused: 'paused; no frames expected',
        ended: 'all sources ended',
      }[mode];
      return Promise.resolve({
        status: 'healthy',
        message,
        details: { mode, last_frame_age_ms: lastAge },
      });
    }
    if (previous !== 'running' && (previous !== null || last === null)) this.runningSince = now;
    const expected = this.opts.expectedIntervalMs();
    const limit = Math.max(
      expected !== null && Number.isFinite(expected) && expected > 0
        ? this.opts.factor * expected
        : 0,
      this.opts.minMs,
    );
    const reference = Math.max(
      last ?? Number.NEGATIVE_INFINITY,
      this.runningSince ?? Number.NEGATIVE_INFINITY,
    );
    const age = Math.max(0, now - reference);
    const details = {
      mode,
      last_frame_age_ms: lastAge,
      limit_ms: Math.round(limit),
      expected_interval_ms: expected,
    };
    if (age > limit) {
      const what =
        last === null ? 'no frame processed yet' : `no frame processed for ${Math.round(age)} ms`;
      return Promise.resolve({
        status: 'unhealthy',
        message: `frame loop stuck: ${what} (limit ${Math.round(limit)} ms)`,
        details,
      });
    }
    return Promise.resolve({
      status: 'healthy',
      message: `last frame ${Math.round(age)} ms ago`,
      details,
    });
  }
}

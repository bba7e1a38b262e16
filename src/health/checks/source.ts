/**
 * One video source (readiness). Delivering, backpressured, paused and ended are healthy: a source
 * held back by a slow pipeline is not stalled (DESIGN.md). Connecting and reconnecting are
 * degraded; stalled and failed are unhealthy. Optionally the check also calls a delivering source
 * stalled when its last frame is older than `stallAfterMs()`.
 */
import type { HealthStatus } from '../../domain/health.js';
import type { SourceState } from '../../domain/source-state.js';
import { requireFunction } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { CheckOutcome } from './types.js';

/** A source's state (src/domain/source-state.ts). */
export type SourceHealthState = SourceState;

/** The fields of FrameSource.status() the check reads (a SourceStatus fits). */
export interface SourceHealthStatus {
  state: SourceHealthState;
  sinceMs: number;
  framesRead: number;
  lastFrameAtMs: number | null;
  reconnects: number;
  lastError?: string;
}

export interface SourceCheckOptions {
  sourceId: number;
  status: () => SourceHealthStatus;
  /** health.check_interval_ms. */
  intervalMs: number;
  /** Default source_<id>. */
  name?: string;
  /** Milliseconds without a frame after which a delivering source counts as stalled; null: never. */
  stallAfterMs?: () => number | null;
  /** Epoch ms; default Date.now. */
  now?: () => number;
}

const STATUS_OF: Record<SourceHealthState, HealthStatus> = {
  delivering: 'healthy',
  backpressured: 'healthy',
  paused: 'healthy',
  ended: 'healthy',
  connecting: 'degraded',
  reconnecting: 'degraded',
  stalled: 'unhealthy',
  failed: 'unhealthy',
};

/** The source id, checked: an integer >= 0 (TypeError / RangeError otherwise). */
function checkSourceId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isInteger(id))
    throw new TypeError(`sourceId must be an integer, got ${String(id)}`);
  if (id < 0) throw new RangeError(`sourceId must be >= 0, got ${id}`);
  return id;
}

export class SourceCheck extends CheckBase {
  private readonly opts: SourceCheckOptions;
  private readonly now: () => number;

  constructor(opts: SourceCheckOptions) {
    super(opts, { name: `source_${checkSourceId(opts.sourceId)}` });
    requireFunction('status', opts.status);
    if (opts.stallAfterMs !== undefined) requireFunction('stallAfterMs', opts.stallAfterMs);
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  run(): Promise<CheckOutcome> {
    const s = this.opts.status();
    if (!(s.state in STATUS_OF)) {
      return Promise.resolve({
        status: 'unhealthy',
        message: `unknown source state ${JSON.stringify(s.state)}`,
        details: {},
      });
    }
    const now = this.now();
    const age = s.lastFrameAtMs === null ? null : Math.max(0, now - s.lastFrameAtMs);
    let state = s.state;
    const stallAfter = this.opts.stallAfterMs?.() ?? null;
    if (state === 'delivering' && stallAfter !== null) {
      const silentFor = age ?? Math.max(0, now - s.sinceMs);
      if (silentFor > stallAfter) state = 'stalled';
    }
    const details = {
      source_id: this.opts.sourceId,
      state,
      since_ms: Math.max(0, now - s.sinceMs),
      frames_read: s.framesRead,
      last_frame_age_ms: age,
      reconnects: s.reconnects,
      last_error: s.lastError ?? null,
    };
    return Promise.resolve({ status: STATUS_OF[state], message: describe(state, age, s), details });
  }
}

function describe(state: SourceHealthState, age: number | null, s: SourceHealthStatus): string {
  const err = s.lastError ? `: ${s.lastError}` : '';
  const ago = age === null ? 'no frame yet' : `last frame ${Math.round(age)} ms ago`;
  switch (state) {
    case 'delivering':
      return `delivering (${ago})`;
    case 'backpressured':
      return `backpressured: the pipeline is behind, the source is not stalled (${ago})`;
    case 'paused':
      return 'paused';
    case 'ended':
      return `ended after ${s.framesRead} frames`;
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return `reconnecting (attempt ${s.reconnects})${err}`;
    case 'stalled':
      return `stalled: ${ago}${err}`;
    case 'failed':
      return `failed${err}`;
  }
}

/**
 * Model output (readiness, never unhealthy): a model whose output cannot be right is `degraded`,
 * a visible fault instead of silence. Two signs, each over processed frames in a row while frames
 * flow:
 * - blind: no detection above the confidence threshold for `emptyFrames` frames (wrong
 *   preprocessing, threshold, labels);
 * - saturated: scores pinned at 1 (at least 90 % of each frame's detections at confidence
 *   >= 0.99) for `saturatedFrames` frames: the input is out of the range the model was trained
 *   on, typically the input scale (0–255 fed to a model that expects 0–1).
 * It recovers at the first frame that breaks the run. Paused, ended, waiting for a source, or no
 * frame processed recently: not judged (healthy). 0 turns a sign off (an empty scene is legitimate).
 */
import { getLogger, logEvent, type Logger } from '../../telemetry/logger.js';
import { requireFunction, requirePositive } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { FrameLoopMode } from './frame-heartbeat.js';
import type { CheckOutcome } from './types.js';

/** What the pipeline counted over the frames the model ran on. */
export interface ModelOutputCounts {
  /** Frames the model has run on (decoded) so far. */
  frames: number;
  /** Frames in a row, up to the latest, in which the model found no detection above its threshold. */
  framesSinceDetection: number;
  /** Frames in a row, up to the latest, whose detection scores were pinned at 1. */
  saturatedFrames: number;
  /** Epoch ms of the latest frame, or null before the first. */
  lastFrameAtMs: number | null;
}

export interface ModelOutputCheckOptions {
  counts: () => ModelOutputCounts;
  /** health.model_output.empty_frames: frames in a row with no detection before degraded; 0 = off. */
  emptyFrames: number;
  /** health.model_output.saturated_frames: frames in a row with scores pinned at 1; 0 = off. Default = emptyFrames. */
  saturatedFrames?: number;
  /** models.confidence, named in the message. */
  confidence: number;
  /** Default: always running. */
  mode?: () => FrameLoopMode;
  /** Frames flow while the last one is at most this old, milliseconds. Default 10000. */
  idleAfterMs?: number;
  /** health.check_interval_ms. */
  intervalMs: number;
  name?: string;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  /** Default getLogger('health'). */
  logger?: Logger;
}

const PROBE = "'adeline model info MODEL --probe' shows the best score of each class";

function wholeFrames(name: string, v: unknown): number {
  const n = requirePositive(name, v, true);
  if (!Number.isInteger(n))
    throw new RangeError(`${name} must be a whole number of frames, got ${n}`);
  return n;
}

export class ModelOutputCheck extends CheckBase {
  private readonly opts: ModelOutputCheckOptions;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly idleAfterMs: number;
  private readonly emptyFrames: number;
  private readonly saturatedFrames: number;
  /** The sign of the open degraded episode, or null. */
  private fault: 'blind' | 'saturated' | null = null;

  constructor(opts: ModelOutputCheckOptions) {
    super(opts, { name: 'model_output' });
    requireFunction('counts', opts.counts);
    if (opts.mode !== undefined) requireFunction('mode', opts.mode);
    this.emptyFrames = wholeFrames('emptyFrames', opts.emptyFrames);
    this.saturatedFrames = wholeFrames('saturatedFrames', opts.saturatedFrames ?? opts.emptyFrames);
    requirePositive('confidence', opts.confidence, true);
    this.idleAfterMs = requirePositive('idleAfterMs', opts.idleAfterMs ?? 10_000);
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.log = opts.logger ?? getLogger('health');
  }

  run(): Promise<CheckOutcome> {
    return Promise.resolve(this.evaluate());
  }

  private evaluate(): CheckOutcome {
    const c = this.opts.counts();
    const details = {
      frames: c.frames,
      frames_since_detection: c.framesSinceDetection,
      saturated_frames: c.saturatedFrames,
      empty_frames_limit: this.emptyFrames,
      saturated_frames_limit: this.saturatedFrames,
    };
    // Not judged: off, or no frames flow. An open degraded episode stays open (no log on resume).
    if (this.emptyFrames === 0 && this.saturatedFrames === 0)
      return healthy('off (health.model_output.empty_frames and saturated_frames are 0)', details);
    const mode = this.opts.mode?.() ?? 'running';
    if (mode !== 'running') return healthy(`${mode}: not judged while no frames flow`, details);
    const age = c.lastFrameAtMs === null ? null : this.now() - c.lastFrameAtMs;
    if (age === null || age > this.idleAfterMs)
      return healthy('no frame processed recently: not judged', details);
    const fault = this.faultOf(c);
    if (fault === null) {
      const msg =
        c.framesSinceDetection === 0
          ? 'the latest frame had detections with plausible scores'
          : `last detection ${c.framesSinceDetection} frames ago`;
      if (this.fault !== null) {
        const text = `health check ${this.name}: the model output looks right again (${msg})`;
        logEvent(this.log, 'model_output_recovered', text, { check: this.name, ...details });
        this.fault = null;
      }
      return healthy(msg, details);
    }
    const message = fault === 'blind' ? this.blindMessage(c) : this.saturatedMessage(c);
    if (this.fault !== fault) {
      this.fault = fault;
      logEvent(this.log, 'model_output_degraded', `health check ${this.name}: ${message}`, {
        check: this.name,
        fault,
        ...details,
        confidence: this.opts.confidence,
      });
    }
    return { status: 'degraded', message, details: { ...details, fault } };
  }

  private faultOf(c: ModelOutputCounts): 'blind' | 'saturated' | null {
    if (this.emptyFrames > 0 && c.framesSinceDetection >= this.emptyFrames) return 'blind';
    if (this.saturatedFrames > 0 && c.saturatedFrames >= this.saturatedFrames) return 'saturated';
    return null;
  }

  private blindMessage(c: ModelOutputCounts): string {
    return (
      `no detection above the threshold in the last ${c.framesSinceDetection} processed frames ` +
      `(limit ${this.emptyFrames}): the model may be blind; check the preprocessing ` +
      `(models.preprocess: channel order, input scale), the threshold (models.confidence ` +
      `${this.opts.confidence}) and the class names/labels; ${PROBE} before the threshold. ` +
      'If the scene is legitimately empty, set health.model_output.empty_frames to 0'
    );
  }

  private saturatedMessage(c: ModelOutputCounts): string {
    return (
      `detection scores pinned at 1 in the last ${c.saturatedFrames} processed frames ` +
      `(limit ${this.saturatedFrames}): the input is likely out of the range the model expects; ` +
      'check the preprocessing (models.preprocess.scale: 1/255 or 1, mean/std, channel order) ' +
      `and the class names/labels; ${PROBE}`
    );
  }
}

function healthy(message: string, details: Record<string, unknown>): CheckOutcome {
  return { status: 'healthy', message, details };
}

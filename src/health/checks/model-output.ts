/**
 * Model output (readiness, never unhealthy): a model that has found no detection above its
 * confidence threshold for `emptyFrames` processed frames in a row, while frames flow, is
 * `degraded` — a blind model (wrong preprocessing, threshold, labels) is a visible fault, not
 * silence. It recovers at the next frame with a detection. Paused, ended, waiting for a source,
 * or no frame processed recently: not judged (healthy). `emptyFrames` 0 turns it off, for scenes
 * that are legitimately empty.
 */
import type { HealthCheck } from '../../domain/health.js';
import { getLogger, logEvent, type Logger } from '../../telemetry/logger.js';
import { requireFunction, requireName, requirePositive } from '../validate.js';
import type { FrameLoopMode } from './frame-heartbeat.js';
import type { CheckOutcome } from './types.js';

/** What the pipeline counted: frames through the model, and those since the last detection. */
export interface ModelOutputCounts {
  /** Frames the model has run on (decoded) so far. */
  frames: number;
  /** Frames in a row, up to the latest, in which the model found no detection above its threshold. */
  framesSinceDetection: number;
  /** Epoch ms of the latest of those frames, or null before the first. */
  lastFrameAtMs: number | null;
}

export interface ModelOutputCheckOptions {
  counts: () => ModelOutputCounts;
  /** health.model_output.empty_frames: frames in a row with no detection before degraded; 0 = off. */
  emptyFrames: number;
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

const CAUSES =
  'check the preprocessing (models.preprocess: channel order, input scale), the threshold ' +
  "(models.confidence {c}) and the class names/labels; 'adeline model info --probe MODEL' shows " +
  'the top scores before the threshold. If the scene is legitimately empty, set ' +
  'health.model_output.empty_frames to 0';

export class ModelOutputCheck implements HealthCheck {
  readonly name: string;
  readonly intervalMs: number;
  readonly readiness = true;
  readonly liveness = false;
  private readonly opts: ModelOutputCheckOptions;
  private readonly now: () => number;
  private readonly idleAfterMs: number;
  private readonly emptyFrames: number;
  private readonly log: Logger;
  private degraded = false;

  constructor(opts: ModelOutputCheckOptions) {
    this.name = requireName('name', opts.name ?? 'model_output');
    this.intervalMs = requirePositive('intervalMs', opts.intervalMs);
    requireFunction('counts', opts.counts);
    if (opts.mode !== undefined) requireFunction('mode', opts.mode);
    this.emptyFrames = requirePositive('emptyFrames', opts.emptyFrames, true);
    if (!Number.isInteger(this.emptyFrames))
      throw new RangeError(`emptyFrames must be a whole number of frames, got ${opts.emptyFrames}`);
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
      empty_frames_limit: this.emptyFrames,
    };
    // Not judged: off, or no frames flow. The degraded episode stays open (no log on resume).
    if (this.emptyFrames === 0)
      return healthy('off (health.model_output.empty_frames is 0)', details);
    const mode = this.opts.mode?.() ?? 'running';
    if (mode !== 'running') return healthy(`${mode}: not judged while no frames flow`, details);
    const age = c.lastFrameAtMs === null ? null : this.now() - c.lastFrameAtMs;
    if (age === null || age > this.idleAfterMs)
      return healthy('no frame processed recently: not judged', details);
    if (c.framesSinceDetection < this.emptyFrames) {
      const msg =
        c.framesSinceDetection === 0
          ? 'the latest frame had detections'
          : `last detection ${c.framesSinceDetection} frames ago (limit ${this.emptyFrames})`;
      if (this.degraded) {
        this.degraded = false;
        const text = `health check ${this.name}: detections again, ${msg}`;
        logEvent(this.log, 'model_output_recovered', text, { check: this.name, ...details });
      }
      return healthy(msg, details);
    }
    const message =
      `no detection above the threshold in the last ${c.framesSinceDetection} processed frames ` +
      `(limit ${this.emptyFrames}): the model may be blind; ` +
      CAUSES.replace('{c}', String(this.opts.confidence));
    if (!this.degraded) {
      this.degraded = true;
      logEvent(this.log, 'model_output_empty', `health check ${this.name}: ${message}`, {
        check: this.name,
        frames_since_detection: c.framesSinceDetection,
        empty_frames_limit: this.emptyFrames,
        confidence: this.opts.confidence,
      });
    }
    return { status: 'degraded', message, details };
  }
}

function healthy(message: string, details: Record<string, unknown>): CheckOutcome {
  return { status: 'healthy', message, details };
}

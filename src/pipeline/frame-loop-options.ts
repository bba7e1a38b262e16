/** Options of the FrameLoop, and their checks (TypeError / RangeError at the edge). */
import type { Frame } from '../domain/frame.js';
import { checkMaxFps } from '../domain/frame-rate.js';
import type { FrameSource } from '../source/frame-source.js';
import type { Clock } from './clock.js';

export interface ScheduledSource {
  source: FrameSource;
  /** Per-source cap (pipeline.sources[].max_fps); default FrameLoopOptions.maxFps. */
  maxFps?: number | undefined;
}

/** What the loop hands each admitted frame to (the FrameProcessor). */
export interface FrameHandler {
  /**
   * Takes ownership of the frame and must release it. The loop holds the frame's in-flight slot
   * until the returned promise settles (fulfilled or rejected).
   */
  process(frame: Frame): Promise<unknown>;
}

export interface FrameLoopOptions {
  sources: readonly ScheduledSource[];
  /** Frames/s per source (pipeline.max_fps); 0 = no cap. */
  maxFps: number;
  /** Frames in flight at once, across all sources (pipeline.max_in_flight). */
  maxInFlight: number;
  handler: FrameHandler;
  /** Stop after this many frames were handed over (adeline run --frames); undefined = no limit. */
  frameLimit?: number | undefined;
  /** Called once when frameLimit frames have finished. */
  onLimitReached?: () => void;
  /** Called once when every source has ended (not after stop()). */
  onEnded?: () => void;
  clock?: Clock;
}

/** A source that can show `paused` in its own status (FfmpegSource, SyntheticSource). */
export interface PauseAware {
  setPaused(paused: boolean): void;
}

export function isPauseAware(s: FrameSource): s is FrameSource & PauseAware {
  return typeof (s as Partial<PauseAware>).setPaused === 'function';
}

export function validateFrameLoopOptions(opts: FrameLoopOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
  if (!Array.isArray(opts.sources)) throw new TypeError('sources must be an array');
  if (typeof opts.handler?.process !== 'function')
    throw new TypeError('handler.process must be a function');
  const limit = opts.frameLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new RangeError(`frameLimit must be an integer >= 1 or undefined, got ${limit}`);
  checkMaxFps(opts.maxFps, 'maxFps');
  const ids = new Set<number>();
  for (const { source, maxFps } of opts.sources) {
    if (ids.has(source.id)) {
      throw new RangeError(`two sources have the id ${source.id}; give each its own id`);
    }
    ids.add(source.id);
    if (maxFps !== undefined) checkMaxFps(maxFps, `maxFps of source ${source.id}`);
  }
}

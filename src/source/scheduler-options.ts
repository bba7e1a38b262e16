/** Options of the Scheduler, and their checks (TypeError / RangeError at the edge). */
import type { Frame } from '../domain/frame.js';
import type { Clock } from './clock.js';
import type { FrameSource } from './frame-source.js';
import { systemClock } from './clock.js';
import { RateLimiter } from './rate-limiter.js';

export interface ScheduledSource {
  source: FrameSource;
  /** Per-source cap (pipeline.sources[].max_fps); default SchedulerOptions.maxFps. */
  maxFps?: number | undefined;
}

export interface SchedulerOptions {
  sources: readonly ScheduledSource[];
  /** Frames/s per source (pipeline.max_fps); 0 = no cap. */
  maxFps: number;
  /** Waits for an in-flight slot (Pipeline.admit). */
  admit: () => Promise<void>;
  /** Gives back a slot admit() granted when no frame came to use it (Pipeline.cancelAdmission). */
  cancelAdmission: () => void;
  /** Takes ownership of the frame and of its slot; must call frame.release() (Pipeline.submit). */
  process: (frame: Frame) => void;
  /** false stops taking frames (adeline run --frames reached). Default: always true. */
  wantsMore?: () => boolean;
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

export function validateSchedulerOptions(opts: SchedulerOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
  if (!Array.isArray(opts.sources)) throw new TypeError('sources must be an array');
  for (const fn of ['admit', 'cancelAdmission', 'process'] as const) {
    if (typeof opts[fn] !== 'function') throw new TypeError(`${fn} must be a function`);
  }
  const ids = new Set<number>();
  for (const { source, maxFps } of opts.sources) {
    if (ids.has(source.id)) {
      throw new RangeError(`two sources have the id ${source.id}; give each its own id`);
    }
    ids.add(source.id);
    new RateLimiter(maxFps ?? opts.maxFps, systemClock); // throws for a bad cap
  }
}

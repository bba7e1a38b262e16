/**
 * Frame-rate caps (pipeline.max_fps, pipeline.sources[].max_fps): the one range check and the one
 * formula for the rate a capped source delivers at. Config, the frame loop and the health checks
 * all use these.
 */

/** The highest cap accepted, frames/s. */
export const MAX_FPS_LIMIT = 1000;

/** Returns `value` if it is a cap in 0..MAX_FPS_LIMIT (0 = no cap); TypeError / RangeError otherwise. */
export function checkMaxFps(value: unknown, name = 'maxFps'): number {
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (value < 0 || value > MAX_FPS_LIMIT)
    throw new RangeError(`${name} must be in 0..${MAX_FPS_LIMIT} (0 = no cap), got ${value}`);
  return value;
}

/**
 * Frames/s a source delivers under a cap: the lower of the cap and its nominal rate; the cap when
 * the nominal rate is unknown (null); the nominal rate when uncapped (0); null when that gives no
 * positive rate.
 */
export function cappedFps(maxFps: number, nominalFps: number | null): number | null {
  const fps = maxFps > 0 ? Math.min(maxFps, nominalFps ?? maxFps) : nominalFps;
  return fps !== null && fps > 0 ? fps : null;
}

/** Milliseconds between frames at `fps`; null for no rate (null or 0). */
export function frameIntervalMs(fps: number | null): number | null {
  return fps !== null && fps > 0 ? 1000 / fps : null;
}

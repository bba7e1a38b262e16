/**
 * The roi_strategy config section as this module reads it. It is the shape of the zod output of
 * src/config/schema.ts (`AdelineConfig['roi_strategy']` is assignable to it; a unit test checks
 * this), declared here because roi/ may import only domain/.
 */
import type { RoiMode } from '../domain/roi.js';

export interface RoiStrategyConfig {
  mode: RoiMode;
  adaptive: {
    margin: number;
    smoothing: number;
    min_roi_multiple: number;
    max_roi_multiple: number;
    show_statistics: boolean;
  };
  fixed: {
    x_min: number;
    y_min: number;
    x_max: number;
    y_max: number;
    show_overlay: boolean;
  };
}

function inRange(name: string, v: number, lo: number, hi: number): void {
  if (typeof v !== 'number' || !(v >= lo && v <= hi)) {
    throw new RangeError(`${name} must be a number in [${lo}, ${hi}], got ${String(v)}`);
  }
}

/** Re-checks what the config schema guarantees, for callers that build the section by hand. */
export function checkRoiConfig(cfg: RoiStrategyConfig, imgsz: number): void {
  if (!['none', 'fixed', 'adaptive'].includes(cfg.mode)) {
    throw new RangeError(
      `roi_strategy.mode must be none, fixed or adaptive, got ${String(cfg.mode)}`,
    );
  }
  if (!Number.isInteger(imgsz) || imgsz < 1)
    throw new RangeError(`imgsz must be an integer >= 1, got ${imgsz}`);
  const a = cfg.adaptive;
  inRange('roi_strategy.adaptive.margin', a.margin, 0, 1);
  inRange('roi_strategy.adaptive.smoothing', a.smoothing, 0, 1);
  for (const k of ['min_roi_multiple', 'max_roi_multiple'] as const) {
    if (!Number.isInteger(a[k]) || a[k] < 1) {
      throw new RangeError(`roi_strategy.adaptive.${k} must be an integer >= 1, got ${a[k]}`);
    }
  }
  if (a.min_roi_multiple > a.max_roi_multiple) {
    throw new RangeError(
      `roi_strategy.adaptive.min_roi_multiple (${a.min_roi_multiple}) must be <= max_roi_multiple (${a.max_roi_multiple})`,
    );
  }
  const f = cfg.fixed;
  for (const k of ['x_min', 'y_min', 'x_max', 'y_max'] as const)
    inRange(`roi_strategy.fixed.${k}`, f[k], 0, 1);
  if (f.x_min >= f.x_max)
    throw new RangeError(`roi_strategy.fixed.x_min (${f.x_min}) must be < x_max (${f.x_max})`);
  if (f.y_min >= f.y_max)
    throw new RangeError(`roi_strategy.fixed.y_min (${f.y_min}) must be < y_max (${f.y_max})`);
}

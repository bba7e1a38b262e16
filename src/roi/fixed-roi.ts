/**
 * Fixed ROI (ADELINE-SPEC.md §4): fractions of the frame to pixels,
 * (⌊x_min·W⌋, ⌊y_min·H⌋, ⌊x_max·W⌋, ⌊y_max·H⌋), computed once per frame shape.
 */
import type { Roi } from '../domain/roi.js';
import { floorPx } from './roi-geometry.js';

export interface FixedRoiFractions {
  x_min: number;
  y_min: number;
  x_max: number;
  y_max: number;
}

/** Pixel ROI of the fractions in a width×height frame; null when it is empty or the whole frame. */
export function fixedRoiPixels(f: FixedRoiFractions, width: number, height: number): Roi | null {
  const roi = {
    x1: floorPx(f.x_min * width),
    y1: floorPx(f.y_min * height),
    x2: Math.min(width, floorPx(f.x_max * width)),
    y2: Math.min(height, floorPx(f.y_max * height)),
  };
  if (roi.x2 <= roi.x1 || roi.y2 <= roi.y1) return null;
  if (roi.x1 === 0 && roi.y1 === 0 && roi.x2 === width && roi.y2 === height) return null;
  return Object.freeze(roi);
}

/** fixedRoiPixels with a cache keyed by frame shape (sources usually share one or two shapes). */
export function createFixedRoiCache(
  f: FixedRoiFractions,
): (width: number, height: number) => Roi | null {
  const cache = new Map<string, Roi | null>();
  return (width, height) => {
    const key = `${width}x${height}`;
    let roi = cache.get(key);
    if (roi === undefined) {
      roi = fixedRoiPixels(f, width, height);
      if (cache.size >= 64) cache.clear();
      cache.set(key, roi);
    }
    return roi;
  };
}

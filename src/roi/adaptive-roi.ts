/**
 * One adaptive-ROI update (ADELINE-SPEC.md §4, steps 1–6), pure: the previous ROI and the raw
 * detections of frame N in, the ROI for frame N+1 out (null = full frame).
 */
import type { Detection } from '../domain/detection.js';
import type { Roi } from '../domain/roi.js';
import { expandSquare, smoothRoi, squareAt, squareSide } from './roi-geometry.js';

/** Fixed constant of the Python version: an ROI smaller than this share of the frame is not worth cropping. */
export const MIN_ROI_AREA_RATIO = 0.3;

export interface AdaptiveRoiParams {
  imgsz: number;
  margin: number;
  smoothing: number;
  minMultiple: number;
  maxMultiple: number;
}

/**
 * Union box of the detections (min/max, truncated to integers as Python's int()), clipped to the
 * frame. Null when nothing of it lies inside the frame.
 */
export function unionBox(
  detections: readonly Detection[],
  width: number,
  height: number,
): Roi | null {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const d of detections) {
    x1 = Math.min(x1, d.box.x1);
    y1 = Math.min(y1, d.box.y1);
    x2 = Math.max(x2, d.box.x2);
    y2 = Math.max(y2, d.box.y2);
  }
  const clip = (v: number, hi: number): number => Math.max(0, Math.min(hi, Math.trunc(v)));
  const u = {
    x1: clip(x1, width),
    y1: clip(y1, height),
    x2: clip(x2, width),
    y2: clip(y2, height),
  };
  return u.x2 > u.x1 && u.y2 > u.y1 ? u : null;
}

/**
 * The next ROI of a source.
 * 1. No detections → full frame. 2. Union box. (Not in Python: a union wider or taller than
 * min(W,H) cannot fit in a square inside the frame, so the full frame is used rather than a crop
 * that cuts detections off.) 3. Square of side clamp(round(max(w,h)/imgsz))·imgsz centred on the
 * union, shifted into the frame. 4. Frame-relative margin, side capped at min(W,H). 5. Area below
 * 30 % of the frame → full frame. 6. Smoothing with the previous ROI.
 */
export function nextAdaptiveRoi(
  prev: Roi | null,
  detections: readonly Detection[],
  width: number,
  height: number,
  p: AdaptiveRoiParams,
): Roi | null {
  if (detections.length === 0) return null;
  const u = unionBox(detections, width, height);
  if (u === null) return null;
  const w = u.x2 - u.x1;
  const h = u.y2 - u.y1;
  if (Math.max(w, h) > Math.min(width, height)) return null;

  const side = squareSide(w, h, p.imgsz, p.minMultiple, p.maxMultiple, width, height);
  const cx = Math.floor((u.x1 + u.x2) / 2);
  const cy = Math.floor((u.y1 + u.y2) / 2);
  const square = squareAt(cx, cy, side, width, height);
  const roi = expandSquare(square, p.margin, width, height);

  const area = (roi.x2 - roi.x1) * (roi.y2 - roi.y1);
  if (area < MIN_ROI_AREA_RATIO * width * height) return null;
  return prev === null ? roi : smoothRoi(prev, roi, p.smoothing, width, height);
}

/**
 * Square-ROI geometry for the adaptive strategy (ADELINE-SPEC.md §4), as pure functions on
 * integer pixel boxes (x2/y2 exclusive). Unlike the Python ROIBox, nothing here clips a square
 * at the frame edge: a square is shifted back into the frame and its side never exceeds
 * min(width, height), so it stays square (docs/roi-and-stabilization.md, "Fixes").
 */
import type { Roi } from '../domain/roi.js';

/** Tolerance for flooring products of fractions, so 0.3·420 + 0.7·720 floors to 630, not 629. */
const FLOOR_EPSILON = 1e-7;

/** ⌊v⌋ of a value computed in floating point, robust to v landing a hair below an integer. */
export function floorPx(v: number): number {
  return Math.floor(v + FLOOR_EPSILON);
}

/** Python's round(): halves go to the even neighbour (round(2.5) = 2, round(1.5) = 2). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function isSquare(r: Roi): boolean {
  return r.x2 - r.x1 === r.y2 - r.y1;
}

/** [start, start + side) shifted so that it lies inside [0, limit); needs side <= limit. */
function shiftInto(start: number, side: number, limit: number): number {
  if (start < 0) return 0;
  if (start + side > limit) return limit - side;
  return start;
}

/**
 * The square of `side` centred on (cx, cy) (top-left = centre − ⌊side/2⌋, as in Python), shifted
 * into the width×height frame. `side` is capped at min(width, height).
 */
export function squareAt(cx: number, cy: number, side: number, width: number, height: number): Roi {
  const s = Math.min(side, width, height);
  const x1 = shiftInto(cx - Math.floor(s / 2), s, width);
  const y1 = shiftInto(cy - Math.floor(s / 2), s, height);
  return { x1, y1, x2: x1 + s, y2: y1 + s };
}

/**
 * Side of the square step: clamp(round(max(w,h)/imgsz), minMult, maxMult)·imgsz. If that does not
 * fit in the frame, the largest multiple of imgsz that fits; if not even imgsz fits (a frame
 * smaller than the model input), min(width, height).
 */
export function squareSide(
  boxW: number,
  boxH: number,
  imgsz: number,
  minMult: number,
  maxMult: number,
  width: number,
  height: number,
): number {
  const mult = Math.max(minMult, Math.min(maxMult, roundHalfEven(Math.max(boxW, boxH) / imgsz)));
  const fit = Math.min(width, height);
  if (mult * imgsz <= fit) return mult * imgsz;
  const fitting = Math.floor(fit / imgsz);
  return fitting >= 1 ? fitting * imgsz : fit;
}

/**
 * The margin step: grow the square by ⌊margin·W⌋ or ⌊margin·H⌋, whichever is larger, on every
 * side (Python's expand(preserve_square=True)). If the grown side exceeds min(W,H) it is
 * capped, shrinking symmetrically about the same centre, then shifted into the frame.
 */
export function expandSquare(sq: Roi, margin: number, width: number, height: number): Roi {
  const m = Math.max(floorPx(margin * width), floorPx(margin * height));
  const grown = sq.x2 - sq.x1 + 2 * m;
  const side = Math.min(grown, width, height);
  const trim = Math.floor((grown - side) / 2);
  const x1 = shiftInto(sq.x1 - m + trim, side, width);
  const y1 = shiftInto(sq.y1 - m + trim, side, height);
  return { x1, y1, x2: x1 + side, y2: y1 + side };
}

/**
 * Temporal smoothing: each coordinate ⌊s·prev + (1−s)·next⌋. The result is re-squared about its
 * centre with the larger side (Python's smooth_with) and kept inside the frame.
 */
export function smoothRoi(prev: Roi, next: Roi, s: number, width: number, height: number): Roi {
  const mix = (a: number, b: number): number => floorPx(s * a + (1 - s) * b);
  const r = {
    x1: mix(prev.x1, next.x1),
    y1: mix(prev.y1, next.y1),
    x2: mix(prev.x2, next.x2),
    y2: mix(prev.y2, next.y2),
  };
  if (isSquare(r) && r.x1 >= 0 && r.y1 >= 0 && r.x2 <= width && r.y2 <= height) return r;
  const side = Math.max(r.x2 - r.x1, r.y2 - r.y1);
  return squareAt(
    Math.floor((r.x1 + r.x2) / 2),
    Math.floor((r.y1 + r.y2) / 2),
    side,
    width,
    height,
  );
}

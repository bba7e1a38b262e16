/**
 * Argument checks at the ROI API edge (STYLE.md 9): wrong types throw TypeError, out-of-range
 * values RangeError, and the message names the parameter and the allowed range.
 */
import type { Detection } from '../domain/detection.js';

export function checkSourceId(sourceId: number): void {
  if (typeof sourceId !== 'number')
    throw new TypeError(`sourceId must be a number, got ${typeof sourceId}`);
  if (!Number.isInteger(sourceId) || sourceId < 0) {
    throw new RangeError(`sourceId must be an integer >= 0, got ${sourceId}`);
  }
}

export function checkFrameSize(width: number, height: number): void {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${name} must be an integer number of pixels >= 1, got ${v}`);
    }
  }
}

/** Boxes must be finite with x2 >= x1 and y2 >= y1; coordinates outside the frame are allowed (clipped later). */
export function checkDetections(detections: readonly Detection[]): void {
  if (!Array.isArray(detections)) throw new TypeError('detections must be an array of Detection');
  detections.forEach((d, i) => {
    const b = (d as Partial<Detection> | null)?.box;
    if (b === undefined || b === null || typeof b !== 'object') {
      throw new TypeError(`detections[${i}].box must be an object {x1, y1, x2, y2}`);
    }
    for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
      if (typeof b[k] !== 'number' || !Number.isFinite(b[k])) {
        throw new RangeError(
          `detections[${i}].box.${k} must be a finite number, got ${String(b[k])}`,
        );
      }
    }
    if (b.x2 < b.x1)
      throw new RangeError(`detections[${i}].box.x2 (${b.x2}) must be >= box.x1 (${b.x1})`);
    if (b.y2 < b.y1)
      throw new RangeError(`detections[${i}].box.y2 (${b.y2}) must be >= box.y1 (${b.y1})`);
  });
}

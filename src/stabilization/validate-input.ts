/**
 * Argument checks at the stabiliser API edge (STYLE.md 9): wrong types throw TypeError,
 * out-of-range values RangeError, naming the parameter and the allowed range.
 */
import type { Detection } from '../domain/detection.js';

export function checkSourceId(sourceId: number): void {
  if (typeof sourceId !== 'number')
    throw new TypeError(`sourceId must be a number, got ${typeof sourceId}`);
  if (!Number.isInteger(sourceId) || sourceId < 0) {
    throw new RangeError(`sourceId must be an integer >= 0, got ${sourceId}`);
  }
}

/** Finite boxes with x2 >= x1 and y2 >= y1, a class name, and a confidence in [0, 1]. */
export function checkDetections(detections: readonly Detection[]): void {
  if (!Array.isArray(detections)) throw new TypeError('detections must be an array of Detection');
  detections.forEach((d, i) => {
    if (d === null || typeof d !== 'object')
      throw new TypeError(`detections[${i}] must be a Detection object`);
    if (typeof d.className !== 'string') {
      throw new TypeError(`detections[${i}].className must be a string, got ${typeof d.className}`);
    }
    if (typeof d.confidence !== 'number' || !(d.confidence >= 0 && d.confidence <= 1)) {
      throw new RangeError(
        `detections[${i}].confidence must be a number in [0, 1], got ${String(d.confidence)}`,
      );
    }
    const b = d.box as Detection['box'] | undefined;
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

/**
 * Argument checks at the stabiliser API edge (STYLE.md 9): wrong types throw TypeError,
 * out-of-range values RangeError, naming the parameter and the allowed range.
 */
import type { Detection } from '../domain/detection.js';
import { checkBox } from '../domain/validate.js';

export { checkSourceId } from '../domain/validate.js';

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
    checkBox(b, `detections[${i}].box`);
  });
}

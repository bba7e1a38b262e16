/**
 * Argument checks at the ROI API edge (STYLE.md 9): wrong types throw TypeError, out-of-range
 * values RangeError, and the message names the parameter and the allowed range.
 */
import type { Detection } from '../domain/detection.js';
import { checkBox } from '../domain/validate.js';

export { checkSourceId } from '../domain/validate.js';

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
    checkBox(b, `detections[${i}].box`);
  });
}

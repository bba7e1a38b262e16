/** Argument checks of preprocess() at the API edge: TypeError for wrong types, RangeError for values. */
import type { Roi } from '../domain/roi.js';
import type { RgbFrame } from './preprocess.js';

export function checkFrame(f: RgbFrame): void {
  if (!(f.data instanceof Uint8Array))
    throw new TypeError('frame data must be a Uint8Array of RGB24 pixels');
  const { width, height } = f;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  if (f.data.length < width * height * 3) {
    throw new RangeError(
      `frame data holds ${f.data.length} bytes; ${width}x${height} RGB24 needs ${width * height * 3}`,
    );
  }
}

export function checkInputSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`model input size must be positive integers, got ${width}x${height}`);
  }
}

export function checkCrop(roi: Roi, width: number, height: number): void {
  const { x1, y1, x2, y2 } = roi;
  const ok =
    [x1, y1, x2, y2].every((v) => Number.isInteger(v)) &&
    x1 >= 0 &&
    y1 >= 0 &&
    x2 <= width &&
    y2 <= height &&
    x2 > x1 &&
    y2 > y1;
  if (!ok) {
    throw new RangeError(
      `ROI ${x1},${y1},${x2},${y2} must be integers with 0 <= x1 < x2 <= ${width} and 0 <= y1 < y2 <= ${height} (x2/y2 exclusive)`,
    );
  }
}

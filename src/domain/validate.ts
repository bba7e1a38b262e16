/**
 * Argument checks shared by the ROI strategies and the stabiliser (STYLE.md 9): wrong types throw
 * TypeError, out-of-range values RangeError, and the message names the parameter and the range.
 */

export function checkSourceId(sourceId: number): void {
  if (typeof sourceId !== 'number')
    throw new TypeError(`sourceId must be a number, got ${typeof sourceId}`);
  if (!Number.isInteger(sourceId) || sourceId < 0) {
    throw new RangeError(`sourceId must be an integer >= 0, got ${sourceId}`);
  }
}

/** A box must be an object of finite numbers with x2 >= x1 and y2 >= y1; `where` names it. */
export function checkBox(box: unknown, where: string): void {
  if (box === undefined || box === null || typeof box !== 'object') {
    throw new TypeError(`${where} must be an object {x1, y1, x2, y2}`);
  }
  const b = box as Record<'x1' | 'y1' | 'x2' | 'y2', unknown>;
  for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
    if (typeof b[k] !== 'number' || !Number.isFinite(b[k])) {
      throw new RangeError(`${where}.${k} must be a finite number, got ${String(b[k])}`);
    }
  }
  const { x1, y1, x2, y2 } = b as Record<'x1' | 'y1' | 'x2' | 'y2', number>;
  if (x2 < x1)
    throw new RangeError(`${where}.x2 (${x2}) must be >= ${where.split('.').pop()}.x1 (${x1})`);
  if (y2 < y1)
    throw new RangeError(`${where}.y2 (${y2}) must be >= ${where.split('.').pop()}.y1 (${y1})`);
}

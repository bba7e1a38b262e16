/**
 * A region of interest in integer source-frame pixels; x2/y2 are exclusive
 * (width = x2 - x1), as in the Python Adeline's ROIBox.
 */
export interface Roi {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export type RoiMode = 'none' | 'fixed' | 'adaptive';

export function roiWidth(r: Roi): number {
  return r.x2 - r.x1;
}

export function roiHeight(r: Roi): number {
  return r.y2 - r.y1;
}

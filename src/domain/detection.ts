/** Axis-aligned box in source-frame pixels, corners (x1,y1) top-left and (x2,y2) bottom-right. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One detected object, in source-frame pixels. */
export interface Detection {
  classId: number;
  className: string;
  confidence: number;
  box: Box;
  /** Stable per-source track id, set by the stabiliser (absent when stabilisation is off). */
  trackId?: number;
  /** Stabilisation details, set by the temporal stabiliser. */
  stabilization?: { avgConfidence: number; framesTracked: number };
}

export function boxWidth(b: Box): number {
  return b.x2 - b.x1;
}

export function boxHeight(b: Box): number {
  return b.y2 - b.y1;
}

/** Intersection over union of two boxes; 0 when either has no area. */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const iy = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = ix * iy;
  const union = boxWidth(a) * boxHeight(a) + boxWidth(b) * boxHeight(b) - inter;
  return union > 0 ? inter / union : 0;
}

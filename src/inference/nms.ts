/**
 * Greedy per-class non-maximum suppression over a Candidates buffer. Candidates are visited by
 * descending score (ties: lower index first); a candidate is suppressed when its IoU with a kept
 * candidate of the same class is greater than `iouThreshold`. At most `maxDetections` are kept.
 */
import type { Candidates } from './candidates.js';

export const DEFAULT_MAX_DETECTIONS = 300;

function iouAt(b: Float32Array, i: number, j: number): number {
  const a = i * 4;
  const c = j * 4;
  const ix = Math.min(b[a + 2]!, b[c + 2]!) - Math.max(b[a]!, b[c]!);
  if (ix <= 0) return 0;
  const iy = Math.min(b[a + 3]!, b[c + 3]!) - Math.max(b[a + 1]!, b[c + 1]!);
  if (iy <= 0) return 0;
  const inter = ix * iy;
  const areaA = (b[a + 2]! - b[a]!) * (b[a + 3]! - b[a + 1]!);
  const areaC = (b[c + 2]! - b[c]!) * (b[c + 3]! - b[c + 1]!);
  const union = areaA + areaC - inter;
  return union > 0 ? inter / union : 0;
}

/** Runs NMS; the kept indices land in `c.kept[0 .. c.keptCount)`, best first. Returns keptCount. */
export function nms(
  c: Candidates,
  iouThreshold: number,
  maxDetections = DEFAULT_MAX_DETECTIONS,
): number {
  if (!(iouThreshold >= 0 && iouThreshold <= 1))
    throw new RangeError(`iouThreshold must be within 0..1, got ${iouThreshold}`);
  const n = c.count;
  const order = c.order;
  const scores = c.scores;
  const classes = c.classes;
  const suppressed = c.suppressed;
  for (let i = 0; i < n; i++) order[i] = i;
  order.subarray(0, n).sort((a, b) => scores[b]! - scores[a]! || a - b);
  suppressed.fill(0, 0, n);
  let kept = 0;
  for (let oi = 0; oi < n && kept < maxDetections; oi++) {
    const i = order[oi]!;
    if (suppressed[i]) continue;
    c.kept[kept++] = i;
    const cls = classes[i];
    for (let oj = oi + 1; oj < n; oj++) {
      const j = order[oj]!;
      if (suppressed[j] || classes[j] !== cls) continue;
      if (iouAt(c.boxes, i, j) > iouThreshold) suppressed[j] = 1;
    }
  }
  c.keptCount = kept;
  return kept;
}

/**
 * One stabilisation track (ADELINE-SPEC.md §5): the last box and confidence of an object of one
 * class, its consecutive hits, its gap, whether it is confirmed, and its last 10 confidences.
 */
import type { Box, Detection } from '../domain/detection.js';

export const CONFIDENCE_HISTORY = 10;

export interface Track {
  readonly id: number;
  readonly className: string;
  classId: number;
  confidence: number;
  box: Box;
  consecutive: number;
  gap: number;
  confirmed: boolean;
  confidences: number[];
}

/** A read-only copy of a track, for activeTracks() and tests. */
export type TrackSnapshot = Readonly<Omit<Track, 'box' | 'confidences'>> & {
  readonly box: Readonly<Box>;
  readonly avgConfidence: number;
};

export function newTrack(id: number, d: Detection): Track {
  return {
    id,
    className: d.className,
    classId: d.classId,
    confidence: d.confidence,
    box: { ...d.box },
    consecutive: 1,
    gap: 0,
    confirmed: false,
    confidences: [d.confidence],
  };
}

/** A hit at or above the track's threshold. */
export function hit(t: Track, d: Detection): void {
  t.classId = d.classId;
  t.confidence = d.confidence;
  t.box = { ...d.box };
  t.consecutive += 1;
  t.gap = 0;
  t.confidences.push(d.confidence);
  if (t.confidences.length > CONFIDENCE_HISTORY) t.confidences.shift();
}

/** Not seen this frame, or seen below its threshold. */
export function miss(t: Track): void {
  t.consecutive = 0;
  t.gap += 1;
}

export function avgConfidence(t: Track): number {
  if (t.confidences.length === 0) return t.confidence;
  return t.confidences.reduce((s, c) => s + c, 0) / t.confidences.length;
}

export function snapshot(t: Track): TrackSnapshot {
  return Object.freeze({
    id: t.id,
    className: t.className,
    classId: t.classId,
    confidence: t.confidence,
    box: Object.freeze({ ...t.box }),
    consecutive: t.consecutive,
    gap: t.gap,
    confirmed: t.confirmed,
    avgConfidence: avgConfidence(t),
  });
}

export function toDetection(t: Track): Detection {
  return {
    classId: t.classId,
    className: t.className,
    confidence: t.confidence,
    box: { ...t.box },
    trackId: t.id,
    stabilization: { avgConfidence: avgConfidence(t), framesTracked: t.consecutive },
  };
}

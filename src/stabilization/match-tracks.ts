/**
 * Detection-to-track matching (ADELINE-SPEC.md §5 step 1): within a class, the unmatched track
 * with the best IoU >= threshold, else the first unmatched track of the class (the "class-only
 * fallback"). Each track takes at most one detection per frame.
 *
 * Two passes, where Python did one: every detection first looks for its IoU match, and only then
 * do the detections left over take the fallback. In one pass, a detection listed early whose box
 * changed (a person falling) could take, by fallback, the track that a later detection overlaps,
 * and the two would swap track ids.
 */
import { iou, type Detection } from '../domain/detection.js';
import type { Track } from './track.js';

/** For each detection, the track it matched, or undefined. `taken` gets every matched track. */
export function matchTracks(
  detections: readonly Detection[],
  tracks: readonly Track[],
  threshold: number,
  taken: Set<Track>,
): Array<Track | undefined> {
  const out: Array<Track | undefined> = new Array<Track | undefined>(detections.length);
  detections.forEach((d, i) => {
    let best: Track | undefined;
    let bestIou = -1;
    for (const t of tracks) {
      if (t.className !== d.className || taken.has(t)) continue;
      const v = iou(d.box, t.box);
      if (v >= threshold && v > bestIou) {
        best = t;
        bestIou = v;
      }
    }
    if (best !== undefined) {
      taken.add(best);
      out[i] = best;
    }
  });
  detections.forEach((d, i) => {
    if (out[i] !== undefined) return;
    const t = tracks.find((c) => c.className === d.className && !taken.has(c));
    if (t !== undefined) {
      taken.add(t);
      out[i] = t;
    }
  });
  return out;
}

/**
 * Temporal hysteresis stabilisation (ADELINE-SPEC.md §5) with the semantics of the Python tests:
 * a track is confirmed at exactly min_frames hits, and N objects that appear together give N tracks.
 * Mode none passes detections through. Pure state per source; no I/O, no telemetry.
 */
import type { StabilizationStats } from '../domain/control.js';
import type { Detection } from '../domain/detection.js';
import { matchTracks } from './match-tracks.js';
import { checkStabilizationConfig, type StabilizationConfig } from './stabilization-config.js';
import {
  hit,
  miss,
  newTrack,
  snapshot,
  toDetection,
  type Track,
  type TrackSnapshot,
} from './track.js';
import { checkDetections, checkSourceId } from './validate-input.js';

export interface Stabilizer {
  readonly mode: StabilizationConfig['mode'];
  /** mode is temporal (detections carry trackId; class_id is published as null). */
  readonly enabled: boolean;
  /** The stabilised detections of one frame: confirmed tracks seen this frame, with trackId. */
  process(sourceId: number, detections: readonly Detection[]): Detection[];
  /** Per-source stats, keyed by source id as a string. Empty in mode none. */
  stats(): Record<string, StabilizationStats>;
  /** Number of live tracks of a source (the active_tracks stat). */
  activeTracks(sourceId: number): number;
  /** The live tracks of a source, oldest first, as read-only copies. */
  tracks(sourceId: number): TrackSnapshot[];
  /** Forgets the tracks, ids and stats of one source, or of every source. */
  reset(sourceId?: number): void;
}

interface SourceState {
  /** Live tracks in creation order (so ids increase along the array). */
  tracks: Track[];
  nextId: number;
  detected: number;
  confirmed: number;
  ignored: number;
  removed: number;
}

const newState = (): SourceState => ({
  tracks: [],
  nextId: 1,
  detected: 0,
  confirmed: 0,
  ignored: 0,
  removed: 0,
});

export function createStabilizer(cfg: StabilizationConfig): Stabilizer {
  checkStabilizationConfig(cfg);
  const minFrames = cfg.temporal.min_frames;
  const maxGap = cfg.temporal.max_gap;
  const appear = cfg.hysteresis.appear_confidence;
  const persist = cfg.hysteresis.persist_confidence;
  const iouThreshold = cfg.iou.threshold;
  const sources = new Map<number, SourceState>();

  function confirmIfDue(s: SourceState, t: Track): void {
    if (!t.confirmed && t.consecutive >= minFrames) {
      t.confirmed = true;
      s.confirmed += 1;
    }
  }

  function step(s: SourceState, detections: readonly Detection[]): Detection[] {
    s.detected += detections.length;
    const taken = new Set<Track>();
    const matches = matchTracks(detections, s.tracks, iouThreshold, taken);
    detections.forEach((d, i) => {
      const t = matches[i];
      if (t !== undefined) {
        if (d.confidence >= (t.confirmed ? persist : appear)) {
          hit(t, d);
          confirmIfDue(s, t);
        } else {
          miss(t);
        }
      } else if (d.confidence >= appear) {
        // Counted as matched this frame: not aged now, and not claimable by another detection.
        const created = newTrack(s.nextId++, d);
        taken.add(created);
        s.tracks.push(created);
        confirmIfDue(s, created);
      } else {
        s.ignored += 1;
      }
    });
    for (const t of s.tracks) if (!taken.has(t)) miss(t);
    const out = s.tracks.filter((t) => t.confirmed && t.gap === 0).map(toDetection);
    const kept = s.tracks.filter((t) => t.gap <= maxGap);
    s.removed += s.tracks.length - kept.length;
    s.tracks = kept;
    return out;
  }

  function statsOf(s: SourceState): StabilizationStats {
    const tracksByClass: Record<string, number> = {};
    for (const t of s.tracks) tracksByClass[t.className] = (tracksByClass[t.className] ?? 0) + 1;
    return {
      totalDetected: s.detected,
      totalConfirmed: s.confirmed,
      totalIgnored: s.ignored,
      totalRemoved: s.removed,
      activeTracks: s.tracks.length,
      tracksByClass,
      confirmRatio: s.detected > 0 ? s.confirmed / s.detected : 0,
    };
  }

  return {
    mode: cfg.mode,
    enabled: cfg.mode !== 'none',
    process(sourceId, detections) {
      if (cfg.mode === 'none') return detections.slice();
      checkSourceId(sourceId);
      checkDetections(detections);
      let s = sources.get(sourceId);
      if (s === undefined) {
        s = newState();
        sources.set(sourceId, s);
      }
      return step(s, detections);
    },
    stats() {
      const out: Record<string, StabilizationStats> = {};
      for (const [id, s] of sources) out[String(id)] = statsOf(s);
      return out;
    },
    activeTracks(sourceId) {
      checkSourceId(sourceId);
      return sources.get(sourceId)?.tracks.length ?? 0;
    },
    tracks(sourceId) {
      checkSourceId(sourceId);
      return (sources.get(sourceId)?.tracks ?? []).map(snapshot);
    },
    reset(sourceId) {
      if (sourceId === undefined) {
        sources.clear();
        return;
      }
      checkSourceId(sourceId);
      sources.delete(sourceId);
    },
  };
}

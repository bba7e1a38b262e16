/**
 * Temporal hysteresis rules of ADELINE-SPEC.md §5 with the semantics of the Python tests:
 * confirmation at exactly min_frames, hysteresis, gap tolerance, stats, passthrough and reset.
 */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Detection } from '../../src/domain/detection.js';
import { createStabilizer, type Stabilizer } from '../../src/stabilization/index.js';

const P = (confidence: number, dx = 0): Detection => ({
  classId: 0,
  className: 'person',
  confidence,
  box: { x1: 860 + dx, y1: 340, x2: 1060 + dx, y2: 740 },
});

function temporal(over: Record<string, unknown> = {}): Stabilizer {
  const cfg = ConfigSchema.parse({ detection_stabilization: { mode: 'temporal', ...over } });
  return createStabilizer(cfg.detection_stabilization);
}
const counts = (s: Stabilizer, frames: Detection[][]): number[] =>
  frames.map((f) => s.process(0, f).length);

describe('stabilisation: confirmation', () => {
  it('confirms at exactly min_frames = 3 (Python confirmed one frame late)', () => {
    assert.deepEqual(counts(temporal(), [[P(0.6)], [P(0.6)], [P(0.6)]]), [0, 0, 1]);
  });

  it('confirms on the first frame with min_frames = 1', () => {
    const s = temporal({ temporal: { min_frames: 1 } });
    assert.deepEqual(s.process(0, [P(0.6)]), [
      { ...P(0.6), trackId: 1, stabilization: { avgConfidence: 0.6, framesTracked: 1 } },
    ]);
    assert.equal(s.stats()['0']!.totalConfirmed, 1);
  });

  it('starts counting again after a frame below the threshold before confirmation', () => {
    // 0.6, 0.45 (matched, below appear: consecutive 0, gap 1), then three good frames.
    assert.deepEqual(
      counts(temporal(), [[P(0.6)], [P(0.45)], [P(0.6)], [P(0.6)], [P(0.6)]]),
      [0, 0, 0, 0, 1],
    );
  });

  it('averages the last 10 confidences and reports the consecutive frames tracked', () => {
    const s = temporal({ temporal: { min_frames: 1 } });
    const confs = [0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59, 0.6, 0.99];
    let out: Detection[] = [];
    for (const c of confs) out = s.process(0, [P(c)]);
    const last10 = confs.slice(2);
    assert.equal(out[0]!.stabilization!.framesTracked, 12);
    assert.equal(out[0]!.stabilization!.avgConfidence, last10.reduce((a, b) => a + b, 0) / 10);
    assert.equal(out[0]!.confidence, 0.99);
  });
});

describe('stabilisation: hysteresis', () => {
  it('ignores a new detection below appear_confidence and counts it', () => {
    const s = temporal();
    assert.deepEqual(s.process(0, [P(0.45)]), []);
    assert.equal(s.activeTracks(0), 0);
    assert.equal(s.stats()['0']!.totalIgnored, 1);
  });

  it('starts a track at exactly appear_confidence', () => {
    const s = temporal();
    s.process(0, [P(0.5)]);
    assert.equal(s.activeTracks(0), 1);
  });

  it('keeps a confirmed track through a dip to persist_confidence, but not below it', () => {
    const s = temporal({ temporal: { min_frames: 2 } });
    assert.deepEqual(counts(s, [[P(0.52)], [P(0.51)], [P(0.3)], [P(0.35)]]), [0, 1, 1, 1]);
    assert.deepEqual(s.process(0, [P(0.29)]), []);
    const [t] = s.tracks(0);
    assert.deepEqual([t!.id, t!.confirmed, t!.consecutive, t!.gap], [1, true, 0, 1]);
    // Back above persist: emitted again on the same track, nothing ignored.
    assert.deepEqual(ids(s.process(0, [P(0.31)])), [1]);
    assert.equal(s.stats()['0']!.totalIgnored, 0);
  });

  it('needs appear_confidence, not persist_confidence, for an unconfirmed track', () => {
    const s = temporal({ temporal: { min_frames: 2 } });
    assert.deepEqual(counts(s, [[P(0.6)], [P(0.35)], [P(0.6)], [P(0.6)]]), [0, 0, 0, 1]);
  });

  it('lets a second object of the class start its own track only with appear_confidence', () => {
    const s = temporal({ temporal: { min_frames: 1 } });
    s.process(0, [P(0.9)]);
    const out = s.process(0, [P(0.9), P(0.4, 600)]);
    assert.deepEqual(ids(out), [1]);
    assert.equal(s.activeTracks(0), 1);
    assert.equal(s.stats()['0']!.totalIgnored, 1);
  });
});

function ids(out: Detection[]): Array<number | undefined> {
  return out.map((d) => d.trackId);
}

describe('stabilisation: gap tolerance', () => {
  it('keeps a track for max_gap empty frames and removes it on the next', () => {
    const s = temporal({ temporal: { min_frames: 2, max_gap: 2 } });
    assert.deepEqual(counts(s, [[P(0.6)], [P(0.6)]]), [0, 1]);
    const active: number[] = [];
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(s.process(0, []), []);
      active.push(s.activeTracks(0));
    }
    assert.deepEqual(active, [1, 1, 0]);
    assert.equal(s.stats()['0']!.totalRemoved, 1);
  });

  it('resumes the same track, already confirmed, when the object returns within the gap', () => {
    const s = temporal({ temporal: { min_frames: 2, max_gap: 2 } });
    counts(s, [[P(0.6)], [P(0.6)], [], []]);
    assert.deepEqual(s.process(0, [P(0.6, 30)]), [
      { ...P(0.6, 30), trackId: 1, stabilization: { avgConfidence: 0.6, framesTracked: 1 } },
    ]);
  });

  it('removes a track after one empty frame with max_gap 0 and starts a new id for the object', () => {
    const s = temporal({ temporal: { min_frames: 1, max_gap: 0 } });
    s.process(0, [P(0.6)]);
    s.process(0, []);
    assert.deepEqual(ids(s.process(0, [P(0.6)])), [2]);
  });
});

describe('stabilisation: stats, passthrough and reset', () => {
  it('reports stats per source with confirm_ratio = confirmed / detected', () => {
    const s = temporal({ temporal: { min_frames: 2 } });
    counts(s, [[P(0.6), P(0.2, 700)], [P(0.6)]]);
    assert.deepEqual(s.stats(), {
      '0': {
        totalDetected: 3,
        totalConfirmed: 1,
        totalIgnored: 1,
        totalRemoved: 0,
        activeTracks: 1,
        tracksByClass: { person: 1 },
        confirmRatio: 1 / 3,
      },
    });
  });

  it('passes detections through unchanged in mode none, with no stats', () => {
    const s = createStabilizer(ConfigSchema.parse({}).detection_stabilization);
    const dets = [P(0.1), P(0.9, 500)];
    assert.equal(s.enabled, false);
    assert.deepEqual(s.process(0, dets), dets);
    assert.deepEqual(s.stats(), {});
    assert.equal(s.activeTracks(0), 0);
  });

  it('forgets one source or all sources on reset, restarting ids at 1', () => {
    const s = temporal({ temporal: { min_frames: 1 } });
    s.process(0, [P(0.6)]);
    s.process(1, [P(0.6)]);
    s.process(1, [P(0.6), P(0.6, 600)]);
    s.reset(1);
    assert.deepEqual(Object.keys(s.stats()), ['0']);
    assert.deepEqual(ids(s.process(1, [P(0.6, 600)])), [1]);
    s.reset();
    assert.deepEqual(s.stats(), {});
  });

  it('returns copies: changing an emitted detection does not change the track', () => {
    const s = temporal({ temporal: { min_frames: 1 } });
    const [d] = s.process(0, [P(0.6)]);
    d!.box.x1 = -999;
    assert.equal(s.tracks(0)[0]!.box.x1, 860);
  });
});

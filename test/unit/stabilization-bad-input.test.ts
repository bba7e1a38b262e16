/** Bad input at the stabiliser API edge: TypeError for wrong types, RangeError naming the parameter. */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Detection } from '../../src/domain/detection.js';
import { createStabilizer, type StabilizationConfig } from '../../src/stabilization/index.js';

const P = (over: Partial<Detection> = {}, box = { x1: 10, y1: 10, x2: 50, y2: 90 }): Detection => ({
  classId: 0,
  className: 'person',
  confidence: 0.8,
  box,
  ...over,
});
const cfg = (): StabilizationConfig =>
  ConfigSchema.parse({ detection_stabilization: { mode: 'temporal' } }).detection_stabilization;

describe('stabilisation: bad input', () => {
  const s = createStabilizer(cfg());

  it('rejects NaN box coordinates, naming the detection and the coordinate', () => {
    assert.throws(() => s.process(0, [P(), P({}, { x1: 1, y1: 1, x2: 5, y2: NaN })]), {
      name: 'RangeError',
      message: /detections\[1\]\.box\.y2 must be a finite number, got NaN/,
    });
  });

  it('rejects a box with negative width or height', () => {
    assert.throws(() => s.process(0, [P({}, { x1: 50, y1: 10, x2: 10, y2: 90 })]), {
      name: 'RangeError',
      message: /detections\[0\]\.box\.x2 \(10\) must be >= box\.x1 \(50\)/,
    });
  });

  it('rejects a confidence that is NaN or outside [0, 1]', () => {
    assert.throws(() => s.process(0, [P({ confidence: 1.5 })]), {
      name: 'RangeError',
      message: /confidence .*got 1\.5/,
    });
    assert.throws(() => s.process(0, [P({ confidence: NaN })]), {
      name: 'RangeError',
      message: /confidence/,
    });
  });

  it('rejects a detection without a class name, and detections that are not an array', () => {
    assert.throws(() => s.process(0, [P({ className: undefined as unknown as string })]), {
      name: 'TypeError',
      message: /detections\[0\]\.className/,
    });
    assert.throws(() => s.process(0, 'none' as unknown as Detection[]), {
      name: 'TypeError',
      message: /detections/,
    });
  });

  it('rejects a negative or fractional source id', () => {
    assert.throws(() => s.process(-1, []), { name: 'RangeError', message: /sourceId/ });
    assert.throws(() => s.activeTracks(1.5), { name: 'RangeError', message: /sourceId/ });
  });

  it('changes no state when a frame is rejected', () => {
    const t = createStabilizer(cfg());
    t.process(0, [P()]);
    assert.throws(() => t.process(0, [P(), P({ confidence: 2 })]), RangeError);
    assert.deepEqual(
      t.tracks(0).map((x) => [x.consecutive, x.gap]),
      [[1, 0]],
    );
    assert.equal(t.stats()['0']!.totalDetected, 1);
  });

  it('rejects a hand-built config out of range, naming the key', () => {
    const c = cfg();
    assert.throws(() => createStabilizer({ ...c, temporal: { min_frames: 0, max_gap: 2 } }), {
      name: 'RangeError',
      message: /temporal\.min_frames/,
    });
    assert.throws(() => createStabilizer({ ...c, temporal: { min_frames: 3, max_gap: -1 } }), {
      message: /max_gap/,
    });
    assert.throws(
      () =>
        createStabilizer({ ...c, hysteresis: { appear_confidence: 0.3, persist_confidence: 0.5 } }),
      { message: /persist_confidence \(0\.5\) must be <= appear_confidence \(0\.3\)/ },
    );
    assert.throws(() => createStabilizer({ ...c, iou: { threshold: 2 } }), {
      message: /iou\.threshold/,
    });
    assert.throws(() => createStabilizer({ ...c, mode: 'kalman' as 'none' }), {
      message: /mode must be none or temporal/,
    });
  });
});

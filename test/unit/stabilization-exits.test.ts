/**
 * Golden scenarios of ADELINE-SPEC.md §5 / test_multi_object_tracking.py: a person leaves,
 * mixed classes, and per-source track ids. Boxes are in pixels of a 1920×1080 frame.
 */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Box, Detection } from '../../src/domain/detection.js';
import {
  createStabilizer,
  type StabilizationConfig,
  type Stabilizer,
} from '../../src/stabilization/index.js';

const det = (
  className: string,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  confidence = 0.8,
): Detection => ({
  classId: className === 'person' ? 0 : 2,
  className,
  confidence,
  box: { x1, y1, x2, y2 },
});
const person = (b: Box, confidence = 0.8): Detection =>
  det('person', b.x1, b.y1, b.x2, b.y2, confidence);

function stabilizer(min_frames = 2, max_gap = 2): Stabilizer {
  const cfg: StabilizationConfig = ConfigSchema.parse({
    detection_stabilization: { mode: 'temporal', temporal: { min_frames, max_gap } },
  }).detection_stabilization;
  return createStabilizer(cfg);
}

const ids = (out: Detection[]): Array<number | undefined> => out.map((d) => d.trackId);

// Two beds: R1 left, R2 right; standing boxes are 150×200.
const R1: Box = { x1: 400, y1: 400, x2: 550, y2: 600 };
const R2: Box = { x1: 1350, y1: 400, x2: 1500, y2: 600 };

describe('stabilisation: exits and mixed classes', () => {
  const LEFT: Box = { x1: 336, y1: 459, x2: 432, y2: 621 };
  const MID: Box = { x1: 912, y1: 459, x2: 1008, y2: 621 };
  const RIGHT: Box = { x1: 1488, y1: 459, x2: 1584, y2: 621 };

  it('removes the track of a person who leaves after max_gap frames; the others keep theirs', () => {
    const s = stabilizer(2, 2);
    for (let i = 0; i < 3; i++) s.process(0, [person(LEFT), person(MID), person(RIGHT)]);
    const active: number[] = [];
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(ids(s.process(0, [person(LEFT), person(RIGHT)])), [1, 3]);
      active.push(s.activeTracks(0));
    }
    assert.deepEqual(active, [3, 3, 2]);
    assert.deepEqual(s.stats()['0'], {
      totalDetected: 15,
      totalConfirmed: 3,
      totalIgnored: 0,
      totalRemoved: 1,
      activeTracks: 2,
      tracksByClass: { person: 2 },
      confirmRatio: 0.2,
    });
  });

  it('never matches across classes, even for a car box identical to a person box', () => {
    const s = stabilizer();
    const frame = [person(R1), person(R2), det('car', R1.x1, R1.y1, R1.x2, R1.y2, 0.7)];
    s.process(0, frame);
    const out = s.process(0, frame);
    assert.deepEqual(
      out.map((d) => [d.trackId, d.className, d.classId]),
      [
        [1, 'person', 0],
        [2, 'person', 0],
        [3, 'car', 2],
      ],
    );
    assert.deepEqual(s.stats()['0']!.tracksByClass, { person: 2, car: 1 });
  });

  it('numbers tracks per source, each from 1', () => {
    const s = stabilizer(1);
    assert.deepEqual(ids(s.process(0, [person(R1), person(R2)])), [1, 2]);
    assert.deepEqual(ids(s.process(7, [person(R2)])), [1]);
    assert.deepEqual(Object.keys(s.stats()), ['0', '7']);
  });
});

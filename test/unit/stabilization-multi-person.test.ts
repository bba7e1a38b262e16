/**
 * Golden multi-person scenarios of ADELINE-SPEC.md §5 / the Python test_multi_object_tracking.py
 * (TC-006, TC-009): 2 and 4 people with one falling, no track fusion, exits, mixed classes.
 * Boxes are in pixels of a 1920×1080 frame.
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
const tall = (b: Box): boolean => b.y2 - b.y1 > b.x2 - b.x1;

// Two beds: R1 left, R2 right; standing boxes are 150×200.
const R1: Box = { x1: 400, y1: 400, x2: 550, y2: 600 };
const R2: Box = { x1: 1350, y1: 400, x2: 1500, y2: 600 };
// R1 falling over three frames: the box widens and drops (IoU with the previous frame 0.66, 0.65, 0.73).
const FALL: Box[] = [
  { x1: 390, y1: 440, x2: 580, y2: 600 },
  { x1: 370, y1: 480, x2: 600, y2: 600 },
  { x1: 350, y1: 500, x2: 620, y2: 600 },
];

describe('stabilisation: two people (TC-006)', () => {
  it('gives two tracks for two people who appear in the same frame (no fusion)', () => {
    const s = stabilizer();
    assert.deepEqual(s.process(0, [person(R1), person(R2)]), []);
    assert.deepEqual(
      s.tracks(0).map((t) => [t.id, t.consecutive, t.confirmed]),
      [
        [1, 1, false],
        [2, 1, false],
      ],
    );
  });

  it('confirms both at exactly min_frames with stable ids and their own boxes', () => {
    const s = stabilizer();
    s.process(0, [person(R1), person(R2)]);
    assert.deepEqual(s.process(0, [person(R1), person(R2)]), [
      { ...person(R1), trackId: 1, stabilization: { avgConfidence: 0.8, framesTracked: 2 } },
      { ...person(R2), trackId: 2, stabilization: { avgConfidence: 0.8, framesTracked: 2 } },
    ]);
  });

  it('keeps the falling person on their track while the box turns from tall to wide', () => {
    const s = stabilizer();
    for (let i = 0; i < 3; i++) s.process(0, [person(R1), person(R2)]);
    let out: Detection[] = [];
    for (const b of FALL) {
      out = s.process(0, [person(b), person(R2)]);
      assert.deepEqual(ids(out), [1, 2]);
    }
    assert.deepEqual(out[0]!.box, FALL[2]);
    assert.ok(!tall(out[0]!.box) && tall(out[1]!.box));
    assert.deepEqual(out[1]!.box, R2);
    assert.equal(s.stats()['0']!.activeTracks, 2);
    assert.equal(s.stats()['0']!.totalConfirmed, 2);
  });

  it('keeps ids when a sudden fall (IoU 0.27) is listed first: the fallback does not steal the other track', () => {
    const s = stabilizer();
    for (let i = 0; i < 3; i++) s.process(0, [person(R1), person(R2)]);
    const fallenR2: Box = { x1: 1300, y1: 520, x2: 1570, y2: 620 };
    const out = s.process(0, [person(fallenR2), person(R1)]);
    assert.deepEqual(
      out.map((d) => [d.trackId, d.box]),
      [
        [1, R1],
        [2, fallenR2],
      ],
    );
  });
});

// Four beds in a 2×2 grid; standing boxes 100×150.
const GRID: Box[] = [
  { x1: 430, y1: 195, x2: 530, y2: 345 },
  { x1: 1390, y1: 195, x2: 1490, y2: 345 },
  { x1: 430, y1: 735, x2: 530, y2: 885 },
  { x1: 1390, y1: 735, x2: 1490, y2: 885 },
];
const R3_FALLEN: Box = { x1: 380, y1: 810, x2: 580, y2: 890 };

describe('stabilisation: four people (TC-009)', () => {
  it('gives four separate confirmed tracks for four people who appear together', () => {
    const s = stabilizer();
    s.process(
      0,
      GRID.map((b) => person(b)),
    );
    const out = s.process(
      0,
      GRID.map((b) => person(b)),
    );
    assert.deepEqual(ids(out), [1, 2, 3, 4]);
    assert.deepEqual(
      out.map((d) => d.box),
      GRID,
    );
  });

  it('changes only the falling person R3 and keeps all four ids', () => {
    const s = stabilizer();
    for (let i = 0; i < 3; i++)
      s.process(
        0,
        GRID.map((b) => person(b)),
      );
    let out: Detection[] = [];
    for (let i = 0; i < 3; i++)
      out = s.process(
        0,
        [GRID[0]!, GRID[1]!, R3_FALLEN, GRID[3]!].map((b) => person(b)),
      );
    assert.deepEqual(ids(out), [1, 2, 3, 4]);
    assert.deepEqual(out[2]!.box, R3_FALLEN);
    assert.deepEqual(
      out.map((d) => tall(d.box)),
      [true, true, false, true],
    );
    assert.deepEqual(s.stats()['0'], {
      totalDetected: 24,
      totalConfirmed: 4,
      totalIgnored: 0,
      totalRemoved: 0,
      activeTracks: 4,
      tracksByClass: { person: 4 },
      confirmRatio: 4 / 24,
    });
  });

  it('keeps four tracks while the people breathe (±19 px jitter)', () => {
    const s = stabilizer();
    for (let i = 0; i < 3; i++)
      s.process(
        0,
        GRID.map((b) => person(b)),
      );
    for (let i = 0; i < 3; i++) {
      const dx = 19 * (i % 2);
      const out = s.process(
        0,
        GRID.map((b, k) =>
          person({ ...b, x1: b.x1 + (k % 2 ? -dx : dx), x2: b.x2 + (k % 2 ? -dx : dx) }),
        ),
      );
      assert.deepEqual(ids(out), [1, 2, 3, 4]);
    }
    assert.equal(s.activeTracks(0), 4);
  });
});

/**
 * Golden tests of the adaptive ROI (ADELINE-SPEC.md §4): the spec's worked example and the edge
 * cases, with exact pixel outputs. Where the Python version clipped a square at the frame edge,
 * these expect the square shifted back into the frame (docs/roi-and-stabilization.md, "Fixes").
 */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Detection } from '../../src/domain/detection.js';
import type { Roi } from '../../src/domain/roi.js';
import { createRoiStrategy, type RoiStrategy } from '../../src/roi/index.js';

const person = (x1: number, y1: number, x2: number, y2: number): Detection => ({
  classId: 0,
  className: 'person',
  confidence: 0.9,
  box: { x1, y1, x2, y2 },
});

function adaptive(over: Record<string, unknown> = {}, imgsz = 320): RoiStrategy {
  const cfg = ConfigSchema.parse({ roi_strategy: { mode: 'adaptive', adaptive: over } });
  return createRoiStrategy(cfg.roi_strategy, imgsz);
}

/** The ROI that frame N+1 gets after frame N had `dets`, from a fresh strategy. */
function roiAfter(
  dets: Detection[],
  w: number,
  h: number,
  over: Record<string, unknown> = {},
  imgsz = 320,
): Roi | null {
  const s = adaptive(over, imgsz);
  s.update(0, dets, w, h);
  return s.roiFor(0, w, h);
}

const sq = (r: Roi | null): boolean => r !== null && r.x2 - r.x1 === r.y2 - r.y1;
const inside = (r: Roi, w: number, h: number): boolean =>
  r.x1 >= 0 && r.y1 >= 0 && r.x2 <= w && r.y2 <= h;

describe('adaptive ROI: the spec worked example (1920×1080, imgsz 320, margin 0.2)', () => {
  it('uses the full frame for the first frame, before any detection', () => {
    assert.equal(adaptive().roiFor(0, 1920, 1080), null);
  });

  it('gives 420,0–1500,1080 for the box 860,340–1060,740: the spec 416,0–1504,1080 squared to fit 1080 px', () => {
    // Python: square 800,380–1120,700, margin 384 → 416,-4–1504,1084, clipped to y 0–1080: 1088×1080,
    // not square. The fix keeps it square with side <= min(W,H) = 1080, trimming 4 px per side.
    assert.deepEqual(roiAfter([person(860, 340, 1060, 740)], 1920, 1080), {
      x1: 420,
      y1: 0,
      x2: 1500,
      y2: 1080,
    });
  });

  it('smooths to 630,0–1710,1080 when the box moves 300 px right (the spec 626–1714, 4 px in per side)', () => {
    const s = adaptive();
    s.update(0, [person(860, 340, 1060, 740)], 1920, 1080);
    s.update(0, [person(1160, 340, 1360, 740)], 1920, 1080);
    // new ROI 720,0–1800,1080; ⌊0.3·420 + 0.7·720⌋ = 630, ⌊0.3·1500 + 0.7·1800⌋ = 1710
    assert.deepEqual(s.roiFor(0, 1920, 1080), { x1: 630, y1: 0, x2: 1710, y2: 1080 });
  });

  it('reproduces the spec x coordinates 416–1504 then 626–1714 when the 1088 px square fits (1920×1088)', () => {
    const s = adaptive();
    s.update(0, [person(860, 340, 1060, 740)], 1920, 1088);
    assert.deepEqual(s.roiFor(0, 1920, 1088), { x1: 416, y1: 0, x2: 1504, y2: 1088 });
    s.update(0, [person(1160, 340, 1360, 740)], 1920, 1088);
    assert.deepEqual(s.roiFor(0, 1920, 1088), { x1: 626, y1: 0, x2: 1714, y2: 1088 });
  });

  it('falls back to the full frame with margin 0, where the 320 px square is < 30 % of the frame', () => {
    assert.equal(roiAfter([person(860, 340, 1060, 740)], 1920, 1080, { margin: 0 }), null);
  });
});

describe('adaptive ROI: boxes at the edges stay square and inside the frame', () => {
  const cases: Array<[string, Detection, number, number, Roi]> = [
    ['left edge', person(0, 400, 100, 600), 1920, 1080, { x1: 0, y1: 0, x2: 1080, y2: 1080 }],
    [
      'right edge',
      person(1820, 400, 1920, 600),
      1920,
      1080,
      { x1: 840, y1: 0, x2: 1920, y2: 1080 },
    ],
    [
      'top edge (portrait 1080×1920)',
      person(400, 0, 600, 100),
      1080,
      1920,
      { x1: 0, y1: 0, x2: 1080, y2: 1080 },
    ],
    [
      'bottom edge (portrait)',
      person(400, 1820, 600, 1920),
      1080,
      1920,
      { x1: 0, y1: 840, x2: 1080, y2: 1920 },
    ],
  ];
  for (const [name, det, w, h, want] of cases) {
    it(`shifts the square into the frame for a box at the ${name}`, () => {
      assert.deepEqual(roiAfter([det], w, h), want);
    });
  }

  // margin 0.05 on 1920×1080: ⌊0.05·1920⌋ = 96 per side, so a 640 square grows to 832.
  const corners: Array<[string, Detection, Roi]> = [
    ['top-left', person(0, 0, 300, 500), { x1: 0, y1: 0, x2: 832, y2: 832 }],
    ['top-right', person(1620, 0, 1920, 500), { x1: 1088, y1: 0, x2: 1920, y2: 832 }],
    ['bottom-left', person(0, 580, 300, 1080), { x1: 0, y1: 248, x2: 832, y2: 1080 }],
    ['bottom-right', person(1620, 580, 1920, 1080), { x1: 1088, y1: 248, x2: 1920, y2: 1080 }],
  ];
  for (const [name, det, want] of corners) {
    it(`keeps an 832 px square (640 + 2·96) for a box in the ${name} corner`, () => {
      const got = roiAfter([det], 1920, 1080, { margin: 0.05 });
      assert.deepEqual(got, want);
      assert.ok(sq(got) && inside(got!, 1920, 1080));
    });
  }

  it('keeps the square a multiple of imgsz when shifted at a corner (margin 0, 1280×720)', () => {
    // Python clipped the 640 square centred at 150,250 to 0,0–470,570.
    assert.deepEqual(roiAfter([person(0, 0, 300, 500)], 1280, 720, { margin: 0 }), {
      x1: 0,
      y1: 0,
      x2: 640,
      y2: 640,
    });
  });

  it('uses the largest multiple of imgsz that fits when min_roi_multiple does not (3·320 > 720)', () => {
    const got = roiAfter([person(300, 200, 500, 400)], 1280, 720, {
      margin: 0,
      min_roi_multiple: 3,
    });
    assert.deepEqual(got, { x1: 80, y1: 0, x2: 720, y2: 640 });
  });
});

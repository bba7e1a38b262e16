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
function roiAfter(dets: Detection[], w: number, h: number, over: Record<string, unknown> = {}, imgsz = 320): Roi | null {
  const s = adaptive(over, imgsz);
  s.update(0, dets, w, h);
  return s.roiFor(0, w, h);
}

const sq = (r: Roi | null): boolean => r !== null && r.x2 - r.x1 === r.y2 - r.y1;
const inside = (r: Roi, w: number, h: number): boolean => r.x1 >= 0 && r.y1 >= 0 && r.x2 <= w && r.y2 <= h;

describe('adaptive ROI: the spec worked example (1920×1080, imgsz 320, margin 0.2)', () => {
  it('uses the full frame for the first frame, before any detection', () => {
    assert.equal(adaptive().roiFor(0, 1920, 1080), null);
  });

  it('gives 420,0–1500,1080 for the box 860,340–1060,740: the spec 416,0–1504,1080 squared to fit 1080 px', () => {
    // Python: square 800,380–1120,700, margin 384 → 416,-4–1504,1084, clipped to y 0–1080: 1088×1080,
    // not square. The fix keeps it square with side <= min(W,H) = 1080, trimming 4 px per side.
    assert.deepEqual(roiAfter([person(860, 340, 1060, 740)], 1920, 1080), { x1: 420, y1: 0, x2: 1500, y2: 1080 });
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
    ['right edge', person(1820, 400, 1920, 600), 1920, 1080, { x1: 840, y1: 0, x2: 1920, y2: 1080 }],
    ['top edge (portrait 1080×1920)', person(400, 0, 600, 100), 1080, 1920, { x1: 0, y1: 0, x2: 1080, y2: 1080 }],
    ['bottom edge (portrait)', person(400, 1820, 600, 1920), 1080, 1920, { x1: 0, y1: 840, x2: 1080, y2: 1920 }],
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
    assert.deepEqual(roiAfter([person(0, 0, 300, 500)], 1280, 720, { margin: 0 }), { x1: 0, y1: 0, x2: 640, y2: 640 });
  });

  it('uses the largest multiple of imgsz that fits when min_roi_multiple does not (3·320 > 720)', () => {
    const got = roiAfter([person(300, 200, 500, 400)], 1280, 720, { margin: 0, min_roi_multiple: 3 });
    assert.deepEqual(got, { x1: 80, y1: 0, x2: 720, y2: 640 });
  });
});

describe('adaptive ROI: sizes and shapes of frames', () => {
  it('uses the full frame for a box larger than the frame', () => {
    assert.equal(roiAfter([person(-100, -100, 2100, 1200)], 1920, 1080), null);
  });

  it('uses the full frame when the detections span more than min(W,H), so no square can hold them', () => {
    assert.equal(roiAfter([person(100, 400, 300, 800), person(1600, 400, 1800, 800)], 1920, 1080), null);
  });

  it('uses the full frame when every detection lies outside the frame', () => {
    assert.equal(roiAfter([person(2000, 100, 2100, 200)], 1920, 1080), null);
  });

  it('crops a frame smaller than imgsz to its largest square (200×150, imgsz 320)', () => {
    assert.deepEqual(roiAfter([person(50, 40, 100, 120)], 200, 150), { x1: 0, y1: 0, x2: 150, y2: 150 });
  });

  it('grows a 640 square by 128 px per side in a 4:3 frame (1280×960, margin 0.1)', () => {
    assert.deepEqual(roiAfter([person(600, 200, 700, 700)], 1280, 960, { margin: 0.1 }), {
      x1: 202,
      y1: 2,
      x2: 1098,
      y2: 898,
    });
  });

  it('grows a 320 square by 200 px per side in a square frame (1000×1000)', () => {
    assert.deepEqual(roiAfter([person(450, 450, 550, 550)], 1000, 1000), { x1: 140, y1: 140, x2: 860, y2: 860 });
  });

  it('rounds halves to even like Python: 800/320 = 2.5 gives a 640 square, not 960', () => {
    const got = roiAfter([person(400, 100, 900, 900)], 1280, 960, { margin: 0.1 });
    assert.deepEqual(got, { x1: 202, y1: 52, x2: 1098, y2: 948 });
  });

  it('smooths two squares of different sides (896 then 960) into a square inside the frame', () => {
    const s = adaptive({ margin: 0.1 });
    s.update(0, [person(600, 200, 700, 700)], 1280, 960); // 202,2–1098,898 (896)
    s.update(0, [person(300, 30, 1000, 930)], 1280, 960); // 960 cap → 170,0–1130,960
    const got = s.roiFor(0, 1280, 960);
    // ⌊0.3·202 + 0.7·170⌋ = 179, ⌊0.3·2⌋ = 0, ⌊0.3·1098 + 0.7·1130⌋ = 1120, ⌊0.3·898 + 0.7·960⌋ = 941
    assert.deepEqual(got, { x1: 179, y1: 0, x2: 1120, y2: 941 });
    assert.ok(sq(got) && inside(got!, 1280, 960));
  });

  it('uses the union of all detections', () => {
    const dets = [person(700, 300, 800, 500), person(1000, 500, 1100, 700)];
    // union 700,300–1100,700 (400×400) → 320 square at 740,340 → 1080 square centred on 900
    assert.deepEqual(roiAfter(dets, 1920, 1080), { x1: 360, y1: 0, x2: 1440, y2: 1080 });
  });
});

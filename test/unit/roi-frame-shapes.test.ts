/**
 * Golden tests of the adaptive ROI on frames of other sizes and shapes: boxes larger than the
 * frame, frames smaller than imgsz, 4:3, square and portrait frames, rounding and smoothing.
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

describe('adaptive ROI: sizes and shapes of frames', () => {
  it('uses the full frame for a box larger than the frame', () => {
    assert.equal(roiAfter([person(-100, -100, 2100, 1200)], 1920, 1080), null);
  });

  it('uses the full frame when the detections span more than min(W,H), so no square can hold them', () => {
    assert.equal(
      roiAfter([person(100, 400, 300, 800), person(1600, 400, 1800, 800)], 1920, 1080),
      null,
    );
  });

  it('uses the full frame when every detection lies outside the frame', () => {
    assert.equal(roiAfter([person(2000, 100, 2100, 200)], 1920, 1080), null);
  });

  it('crops a frame smaller than imgsz to its largest square (200×150, imgsz 320)', () => {
    assert.deepEqual(roiAfter([person(50, 40, 100, 120)], 200, 150), {
      x1: 0,
      y1: 0,
      x2: 150,
      y2: 150,
    });
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
    assert.deepEqual(roiAfter([person(450, 450, 550, 550)], 1000, 1000), {
      x1: 140,
      y1: 140,
      x2: 860,
      y2: 860,
    });
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

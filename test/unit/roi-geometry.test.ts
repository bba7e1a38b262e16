/**
 * The invariants the Python test_roi.py intended (square, inside the frame, a multiple of imgsz),
 * on the geometry functions, including the five cases where Python's clipping broke them.
 */
import assert from 'node:assert/strict';
import type { Roi } from '../../src/domain/roi.js';
import {
  expandSquare,
  floorPx,
  roundHalfEven,
  smoothRoi,
  squareAt,
  squareSide,
} from '../../src/roi/roi-geometry.js';

const side = (r: Roi): number => r.x2 - r.x1;
const isSq = (r: Roi): boolean => r.x2 - r.x1 === r.y2 - r.y1;

describe('ROI geometry', () => {
  it('rounds like Python round(): halves to the even neighbour', () => {
    assert.deepEqual(
      [0.5, 1.5, 2.5, 3.5, 1.25, 2.8125, 6.25].map(roundHalfEven),
      [0, 2, 2, 4, 1, 3, 6],
    );
  });

  it('floors products of fractions that land a hair below an integer', () => {
    assert.equal(floorPx(0.3 * 416 + 0.7 * 716), 626);
    assert.equal(Math.floor(0.3 * 0 + 0.7 * 330), 230); // what Python's int() gives
    assert.equal(floorPx(0.3 * 0 + 0.7 * 330), 231);
    assert.equal(floorPx(0.2 * 1080), 216);
    assert.equal(floorPx(215.5), 215);
  });

  it('makes a square multiple of imgsz for vertical, horizontal and near-square boxes', () => {
    const boxes: Array<[number, number, number]> = [
      [100, 200, 320],
      [200, 100, 320],
      [100, 95, 320],
      [440, 290, 320],
      [500, 500, 640],
      [2000, 2000, 1280],
    ];
    for (const [w, h, want] of boxes)
      assert.equal(squareSide(w, h, 320, 1, 4, 3000, 3000), want, `${w}×${h}`);
  });

  it('keeps min_roi_multiple for a 10×10 box and max_roi_multiple for a 2000×2000 box', () => {
    assert.equal(squareSide(10, 10, 320, 1, 4, 1920, 1080), 320);
    assert.equal(squareSide(2000, 2000, 320, 1, 4, 3000, 3000), 1280);
  });

  it('shifts, not clips, the squares that Python clipped (test_roi.py failures)', () => {
    // 10,20–100,80 centred at 55,50: Python gave 0,0–215,210.
    assert.deepEqual(squareAt(55, 50, 320, 1920, 1080), { x1: 0, y1: 0, x2: 320, y2: 320 });
    // 10,10–450,300 centred at 230,155: Python gave 70,0–390,315.
    assert.deepEqual(squareAt(230, 155, 320, 1920, 1080), { x1: 70, y1: 0, x2: 390, y2: 320 });
    // 100,100–110,110 centred at 105,105: Python gave 0,0–265,265, below imgsz.
    assert.deepEqual(squareAt(105, 105, 320, 1920, 1080), { x1: 0, y1: 0, x2: 320, y2: 320 });
    // 1700,900–1900,1050 centred at 1800,975 near the bottom-right corner.
    assert.deepEqual(squareAt(1800, 975, 320, 1920, 1080), {
      x1: 1600,
      y1: 760,
      x2: 1920,
      y2: 1080,
    });
  });

  it('caps a square at min(W,H) and centres it', () => {
    assert.deepEqual(squareAt(960, 540, 1280, 1920, 1080), { x1: 420, y1: 0, x2: 1500, y2: 1080 });
  });

  it('keeps a square square for margins 0 to 0.5 (Python broke at 0.5: 0,0–1360,1080)', () => {
    const sq = { x1: 100, y1: 100, x2: 400, y2: 400 };
    const want: Roi[] = [
      { x1: 100, y1: 100, x2: 400, y2: 400 },
      { x1: 0, y1: 0, x2: 684, y2: 684 },
      { x1: 0, y1: 0, x2: 1068, y2: 1068 },
      { x1: 0, y1: 0, x2: 1080, y2: 1080 },
      { x1: 0, y1: 0, x2: 1080, y2: 1080 },
    ];
    [0, 0.1, 0.2, 0.3, 0.5].forEach((m, i) =>
      assert.deepEqual(expandSquare(sq, m, 1920, 1080), want[i], `margin ${m}`),
    );
  });

  it('never leaves the frame when expanding near the corners', () => {
    for (const sq of [
      { x1: 10, y1: 10, x2: 100, y2: 100 },
      { x1: 1810, y1: 970, x2: 1900, y2: 1060 },
    ]) {
      const r = expandSquare(sq, 0.5, 1920, 1080);
      assert.ok(
        isSq(r) && r.x1 >= 0 && r.y1 >= 0 && r.x2 <= 1920 && r.y2 <= 1080,
        JSON.stringify(r),
      );
    }
  });

  it('returns the previous ROI with smoothing 1 and the new one with smoothing 0', () => {
    const prev = { x1: 100, y1: 100, x2: 200, y2: 200 };
    const next = { x1: 200, y1: 200, x2: 300, y2: 300 };
    assert.deepEqual(smoothRoi(prev, next, 1, 1920, 1080), prev);
    assert.deepEqual(smoothRoi(prev, next, 0, 1920, 1080), next);
  });

  it('keeps smoothing of two squares square for every smoothing factor', () => {
    const prev = { x1: 100, y1: 100, x2: 200, y2: 200 };
    const next = { x1: 110, y1: 110, x2: 210, y2: 210 };
    for (const s of [0, 0.3, 0.5, 0.7, 1])
      assert.ok(isSq(smoothRoi(prev, next, s, 1920, 1080)), `s=${s}`);
  });

  it('re-squares about the centre with the larger side when flooring makes the sides differ', () => {
    // ⌊0.7·5⌋=3, ⌊0.7·3⌋=2, ⌊30+74.2⌋=104, ⌊30+72.8⌋=102 → 101×100 → 101 square centred at 53,52
    const got = smoothRoi(
      { x1: 0, y1: 0, x2: 100, y2: 100 },
      { x1: 5, y1: 3, x2: 106, y2: 104 },
      0.3,
      200,
      200,
    );
    assert.deepEqual(got, { x1: 3, y1: 2, x2: 104, y2: 103 });
    assert.equal(side(got), 101);
  });
});

/**
 * The integer-downscale fast paths of resampleBilinear (2×2 block mean for even steps, one pixel
 * for odd steps) give the general bilinear loop's floats bit for bit, and only tables whose taps
 * really are uniform take them.
 */
import assert from 'node:assert/strict';
import {
  axisTable,
  resampleBilinear,
  type AxisTable,
  type ResampleTarget,
} from '../../src/inference/resample.js';
import type { PlaneMaps } from '../../src/inference/preprocess-spec.js';

/** A deterministic pseudo-random RGB24 image (xorshift), so a failure can be replayed. */
function image(w: number, h: number, seed: number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  let x = seed | 1;
  for (let i = 0; i < px.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    px[i] = x & 255;
  }
  return px;
}

const general = (t: AxisTable): AxisTable => ({ ...t, uniform: null });

// BGR, mean/std folded in: every plane has its own gain and bias, as with ImageNet normalisation.
const maps: PlaneMaps = {
  colour: [2, 1, 0],
  gain: [1 / 255 / 0.229, 1 / 255 / 0.224, 1 / 255 / 0.225],
  bias: [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225],
};

interface Case {
  name: string;
  srcW: number;
  srcH: number;
  cropX: number;
  cropY: number;
  cropW: number;
  cropH: number;
  rw: number;
  rh: number;
}

function run(c: Case, xs: AxisTable, ys: AxisTable): Float32Array {
  const W = c.rw + 3;
  const H = c.rh + 5;
  const t: ResampleTarget = {
    src: image(c.srcW, c.srcH, c.srcW * 31 + c.srcH),
    srcWidth: c.srcW,
    cropX: c.cropX,
    cropY: c.cropY,
    dst: new Float32Array(3 * W * H).fill(-7),
    W,
    H,
    px: 2,
    py: 3,
  };
  resampleBilinear(t, xs, ys, maps);
  return t.dst;
}

const cases: Case[] = [
  {
    name: '2:1, 640×360 into 320×180',
    srcW: 640,
    srcH: 360,
    cropX: 0,
    cropY: 0,
    cropW: 640,
    cropH: 360,
    rw: 320,
    rh: 180,
  },
  {
    name: '4:1, 1280×720 into 320×180',
    srcW: 1280,
    srcH: 720,
    cropX: 0,
    cropY: 0,
    cropW: 1280,
    cropH: 720,
    rw: 320,
    rh: 180,
  },
  {
    name: '3:1, 1920×1080 into 640×360',
    srcW: 1920,
    srcH: 1080,
    cropX: 0,
    cropY: 0,
    cropW: 1920,
    cropH: 1080,
    rw: 640,
    rh: 360,
  },
  {
    name: '6:1, an ROI crop at an odd offset',
    srcW: 200,
    srcH: 150,
    cropX: 7,
    cropY: 11,
    cropW: 120,
    cropH: 96,
    rw: 20,
    rh: 16,
  },
  {
    name: '5:1, an ROI crop',
    srcW: 101,
    srcH: 77,
    cropX: 1,
    cropY: 2,
    cropW: 100,
    cropH: 75,
    rw: 20,
    rh: 15,
  },
];

describe('resampleBilinear integer downscales', () => {
  for (const c of cases) {
    it(`${c.name}: the fast path equals the general loop bit for bit`, () => {
      const xs = axisTable(c.cropW, c.rw);
      const ys = axisTable(c.cropH, c.rh);
      assert.ok(xs.uniform && ys.uniform, 'both axes are uniform integer downscales');
      assert.equal(xs.uniform.step, c.cropW / c.rw);
      const fast = run(c, xs, ys);
      const slow = run(c, general(xs), general(ys));
      assert.ok(
        fast.some((v) => v !== -7),
        'the fast path wrote the block',
      );
      for (let i = 0; i < fast.length; i++) {
        if (fast[i] !== slow[i]) assert.fail(`index ${i}: fast ${fast[i]} vs general ${slow[i]}`);
      }
    });
  }

  it('keeps non-integer ratios, upscales, same size and degenerate lengths on the general loop', () => {
    for (const [src, dst] of [
      [1280, 336],
      [720, 189],
      [160, 320],
      [320, 320],
      [3, 2],
      [5, 0],
      [0, 4],
      [1, 1],
    ] as const) {
      assert.equal(axisTable(src, dst).uniform, null, `${src} into ${dst}`);
    }
  });

  it('marks even steps as pairs and odd steps as single taps, with the centre offset', () => {
    assert.deepEqual(axisTable(1280, 320).uniform, { start: 1, step: 4, pair: true });
    assert.deepEqual(axisTable(640, 320).uniform, { start: 0, step: 2, pair: true });
    assert.deepEqual(axisTable(1920, 640).uniform, { start: 1, step: 3, pair: false });
    assert.deepEqual(axisTable(3840, 640).uniform, { start: 2, step: 6, pair: true });
  });

  it('takes the general loop when one axis pairs taps and the other does not (stretch 4:1 × 3:1)', () => {
    const c: Case = {
      name: 'mixed',
      srcW: 80,
      srcH: 60,
      cropX: 0,
      cropY: 0,
      cropW: 80,
      cropH: 60,
      rw: 20,
      rh: 20,
    };
    const xs = axisTable(c.cropW, c.rw);
    const ys = axisTable(c.cropH, c.rh);
    assert.equal(xs.uniform?.pair, true);
    assert.equal(ys.uniform?.pair, false);
    const mixed = run(c, xs, ys);
    const slow = run(c, general(xs), general(ys));
    assert.deepEqual(Array.from(mixed), Array.from(slow));
  });
});

import { strict as assert } from 'node:assert';
import {
  Letterboxer,
  PAD_VALUE,
  letterboxGeometry,
  mapBoxToFrame,
} from '../../src/inference/letterbox.js';

const P = PAD_VALUE;

/** RGB24 frame whose pixel (x, y) is fn(x, y). */
function frame(
  w: number,
  h: number,
  fn: (x: number, y: number) => [number, number, number],
): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d.set(fn(x, y), (y * w + x) * 3);
  return d;
}

/**
 * Expected CHW tensor from per-plane rows of bilinear 0..255 values (null = padding); each is
 * rounded half up to an integer first, as cv2.resize on a uint8 image does.
 */
function planes(rows: Array<Array<Array<number | null>>>): Float32Array {
  const flat = rows.flat(2).map((v) => (v === null ? P : Math.round(v) / 255));
  return Float32Array.from(flat);
}

function assertTensor(actual: Float32Array, expected: Float32Array): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) < 1e-6,
      `element ${i}: got ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

describe('letterbox', () => {
  it('computes Ultralytics geometry: size rounds, padding floors', () => {
    assert.deepEqual(letterboxGeometry(640, 480, 320, 320), {
      resizedWidth: 320,
      resizedHeight: 240,
      padX: 0,
      padY: 40,
    });
    assert.deepEqual(letterboxGeometry(5, 3, 4, 4), {
      resizedWidth: 4,
      resizedHeight: 2,
      padX: 0,
      padY: 1,
    });
    assert.deepEqual(letterboxGeometry(4, 2, 5, 5), {
      resizedWidth: 5,
      resizedHeight: 3,
      padX: 0,
      padY: 1,
    });
    assert.deepEqual(letterboxGeometry(3, 7, 8, 8), {
      resizedWidth: 3,
      resizedHeight: 8,
      padX: 2,
      padY: 0,
    });
    assert.deepEqual(letterboxGeometry(1920, 1080, 640, 384), {
      resizedWidth: 640,
      resizedHeight: 360,
      padX: 0,
      padY: 12,
    });
  });

  it('upscales a 2x1 frame into 4x4 with bilinear half-pixel taps and grey padding (golden)', () => {
    const src = frame(2, 1, (x) => (x === 0 ? [0, 100, 255] : [200, 50, 0]));
    const dst = new Float32Array(3 * 16);
    const t = new Letterboxer(4, 4).run(src, 2, 1, null, dst);
    const pad = [null, null, null, null];
    assertTensor(
      dst,
      planes([
        [pad, [0, 50, 150, 200], [0, 50, 150, 200], pad],
        [pad, [100, 87.5, 62.5, 50], [100, 87.5, 62.5, 50], pad],
        [pad, [255, 191.25, 63.75, 0], [255, 191.25, 63.75, 0], pad],
      ]),
    );
    assert.deepEqual(
      {
        rw: t.resizedWidth,
        rh: t.resizedHeight,
        px: t.padX,
        py: t.padY,
        sx: t.scaleX,
        sy: t.scaleY,
      },
      { rw: 4, rh: 2, px: 0, py: 1, sx: 2, sy: 2 },
    );
  });

  it('downscales an odd-sized 5x3 frame into 4x4 exactly (golden)', () => {
    const src = frame(5, 3, (x, y) => [10 * x + 50 * y, 0, 255]);
    const dst = new Float32Array(3 * 16);
    const t = new Letterboxer(4, 4).run(src, 5, 3, null, dst);
    const pad = [null, null, null, null];
    const r = [
      [13.75, 26.25, 38.75, 51.25],
      [88.75, 101.25, 113.75, 126.25],
    ];
    assertTensor(
      dst,
      planes([
        [pad, r[0]!, r[1]!, pad],
        [pad, [0, 0, 0, 0], [0, 0, 0, 0], pad],
        [pad, [255, 255, 255, 255], [255, 255, 255, 255], pad],
      ]),
    );
    assert.equal(t.scaleX, 0.8);
    assert.equal(t.scaleY, 2 / 3);
  });

  it('letterboxes only the ROI crop of the frame (golden)', () => {
    const src = frame(6, 4, (x, y) => [10 * x + 50 * y, 7, 9]);
    const dst = new Float32Array(3 * 16);
    const t = new Letterboxer(4, 4).run(src, 6, 4, { x1: 2, y1: 1, x2: 4, y2: 3 }, dst);
    const s = [0, 0.25, 0.75, 1];
    const red = s.map((sy) => s.map((sx) => 70 + 10 * sx + 50 * sy));
    const g = s.map(() => [7, 7, 7, 7]);
    const b = s.map(() => [9, 9, 9, 9]);
    assertTensor(dst, planes([red, g, b]));
    assert.deepEqual(
      [t.cropX, t.cropY, t.cropWidth, t.cropHeight, t.padX, t.padY],
      [2, 1, 2, 2, 0, 0],
    );
  });

  it('pads left and right of a tall crop, and overwrites stale content when the geometry changes', () => {
    const lb = new Letterboxer(8, 8);
    const dst = new Float32Array(3 * 64);
    lb.run(new Uint8Array(8 * 8 * 3).fill(255), 8, 8, null, dst);
    lb.run(new Uint8Array(3 * 7 * 3).fill(255), 3, 7, null, dst);
    for (let y = 0; y < 8; y++) {
      const row = Array.from(dst.subarray(y * 8, y * 8 + 8));
      assert.deepEqual(row, [P, P, 1, 1, 1, P, P, P].map(Math.fround), `row ${y}`);
    }
  });

  it('maps model boxes back through the scale of each axis and the crop offset', () => {
    const src = new Uint8Array(640 * 480 * 3);
    const dst = new Float32Array(3 * 320 * 320);
    const lb = new Letterboxer(320, 320);
    const t = lb.run(src, 640, 480, { x1: 100, y1: 40, x2: 500, y2: 340 }, dst);
    assert.deepEqual(mapBoxToFrame(t, 32, 60, 96, 140), { x1: 140, y1: 65, x2: 220, y2: 165 });
    // A small crop upscaled to the model size (the Python port mapped by the offset only).
    const up = lb.run(src, 640, 480, { x1: 300, y1: 200, x2: 460, y2: 360 }, dst);
    assert.equal(up.scaleX, 2);
    assert.deepEqual(mapBoxToFrame(up, 100, 100, 200, 200), { x1: 350, y1: 250, x2: 400, y2: 300 });
    // Boxes reaching into the padding are clipped to the crop.
    assert.deepEqual(mapBoxToFrame(t, -10, 0, 400, 300), { x1: 100, y1: 40, x2: 500, y2: 340 });
    // Different scales per axis after rounding: 5x3 → 4x2 inside 4x4.
    const odd = new Letterboxer(4, 4).run(new Uint8Array(45), 5, 3, null, new Float32Array(48));
    assert.deepEqual(mapBoxToFrame(odd, 0, 1, 4, 3), { x1: 0, y1: 0, x2: 5, y2: 3 });
    assert.deepEqual(mapBoxToFrame(odd, 2, 2, 3, 2.5), { x1: 2.5, y1: 1.5, x2: 3.75, y2: 2.25 });
  });

  it('letterboxes 640x480 into 320x320 in a few milliseconds', () => {
    const src = frame(640, 480, (x, y) => [x & 255, y & 255, (x + y) & 255]);
    const dst = new Float32Array(3 * 320 * 320);
    const lb = new Letterboxer(320, 320);
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      lb.run(src, 640, 480, null, dst);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[20]!;
    assert.ok(median < 10, `median ${median.toFixed(2)} ms`);
  });

  it('rejects frame data shorter than width x height x 3', () => {
    assert.throws(
      () => new Letterboxer(4, 4).run(new Uint8Array(10), 2, 2, null, new Float32Array(48)),
      RangeError,
    );
  });

  it('rejects frame data that is not a Uint8Array', () => {
    assert.throws(
      () =>
        new Letterboxer(4, 4).run(
          [1, 2, 3] as unknown as Uint8Array,
          1,
          1,
          null,
          new Float32Array(48),
        ),
      TypeError,
    );
  });

  it('rejects a non-integer or zero frame size', () => {
    assert.throws(
      () => new Letterboxer(4, 4).run(new Uint8Array(12), 2.5, 2, null, new Float32Array(48)),
      RangeError,
    );
    assert.throws(
      () => new Letterboxer(4, 4).run(new Uint8Array(12), 0, 2, null, new Float32Array(48)),
      RangeError,
    );
  });

  it('rejects an ROI outside the frame, empty, or not in integers', () => {
    const lb = new Letterboxer(4, 4);
    const src = new Uint8Array(6 * 4 * 3);
    const dst = new Float32Array(48);
    assert.throws(() => lb.run(src, 6, 4, { x1: 0, y1: 0, x2: 7, y2: 4 }, dst), /ROI 0,0,7,4/);
    assert.throws(() => lb.run(src, 6, 4, { x1: 3, y1: 0, x2: 3, y2: 4 }, dst), RangeError);
    assert.throws(() => lb.run(src, 6, 4, { x1: 0.5, y1: 0, x2: 3, y2: 4 }, dst), RangeError);
    assert.throws(() => lb.run(src, 6, 4, { x1: -1, y1: 0, x2: 3, y2: 4 }, dst), RangeError);
  });

  it('rejects a destination tensor of the wrong size and a bad input size', () => {
    assert.throws(
      () => new Letterboxer(4, 4).run(new Uint8Array(12), 2, 2, null, new Float32Array(47)),
      /needs 48/,
    );
    assert.throws(() => new Letterboxer(0, 4), RangeError);
  });
});

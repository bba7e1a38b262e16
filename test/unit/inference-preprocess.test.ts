/** Golden tensors for every preprocessing variant: channel order, scale, mean/std, stretch, pads. */
import { strict as assert } from 'node:assert';
import { mapBoxToFrame, preprocess, ResampleCache } from '../../src/inference/preprocess.js';
import {
  ULTRALYTICS_PREPROCESS,
  YOLOX_PREPROCESS,
  padTensorValues,
  validatePreprocessSpec,
  type PreprocessSpec,
} from '../../src/inference/preprocess-spec.js';

/** A 2x1 frame: left pixel (R, G, B) = (10, 20, 30), right pixel (210, 120, 90). */
const FRAME_2x1 = { data: Uint8Array.from([10, 20, 30, 210, 120, 90]), width: 2, height: 1 };
/** A 2x2 frame, pixel (x, y) = (10 + x + 2y, 100 + x + 2y, 200 + x + 2y). */
const FRAME_2x2 = {
  data: Uint8Array.from([10, 100, 200, 11, 101, 201, 12, 102, 202, 13, 103, 203]),
  width: 2,
  height: 2,
};

const spec = (over: Partial<PreprocessSpec>): PreprocessSpec => ({
  ...ULTRALYTICS_PREPROCESS,
  ...over,
});

function run(s: PreprocessSpec, frame: typeof FRAME_2x1, w: number, h: number) {
  const data = new Float32Array(3 * w * h).fill(NaN);
  const mapping = preprocess(s, frame, null, { data, width: w, height: h });
  return { data, mapping };
}

function assertTensor(actual: Float32Array, expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) < 1e-5,
      `element ${i}: got ${actual[i]}, expected ${expected[i]}\n got ${Array.from(actual).join(', ')}`,
    );
  }
}

describe('preprocess (golden tensors)', () => {
  it('writes the planes in R, G, B order with scale 1/255', () => {
    const { data } = run(spec({}), FRAME_2x2, 2, 2);
    assertTensor(
      data,
      [10, 11, 12, 13, 100, 101, 102, 103, 200, 201, 202, 203].map((v) => v / 255),
    );
  });

  it('writes the planes in B, G, R order with scale 1 (0..255) for bgr', () => {
    const { data } = run(spec({ channelOrder: 'bgr', scale: 1 }), FRAME_2x2, 2, 2);
    assertTensor(data, [200, 201, 202, 203, 100, 101, 102, 103, 10, 11, 12, 13]);
  });

  it('subtracts the mean and divides by the std of each colour after scaling, whatever the order', () => {
    const mean = [10, 100, 200] as const;
    const std = [1, 2, 4] as const;
    const rgb = run(spec({ scale: 1, mean, std }), FRAME_2x2, 2, 2).data;
    assertTensor(rgb, [0, 1, 2, 3, 0, 0.5, 1, 1.5, 0, 0.25, 0.5, 0.75]);
    // bgr: plane 0 is blue, normalised with the blue mean and std (mean/std stay R, G, B).
    const bgr = run(spec({ channelOrder: 'bgr', scale: 1, mean, std }), FRAME_2x2, 2, 2).data;
    assertTensor(bgr, [0, 0.25, 0.5, 0.75, 0, 0.5, 1, 1.5, 0, 1, 2, 3]);
    // ImageNet-style with scale 1/255: (13/255 - 0.5) / 0.25.
    const imagenet = run(
      spec({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }),
      FRAME_2x2,
      2,
      2,
    ).data;
    assert.ok(Math.abs(imagenet[3]! - (13 / 255 - 0.5) / 0.25) < 1e-6);
  });

  it('stretches a 2x1 frame over a 4x2 input on both axes, without padding (golden)', () => {
    const { data, mapping } = run(spec({ resize: 'stretch', scale: 1 }), FRAME_2x1, 4, 2);
    // Bilinear half-pixel taps 2 -> 4: weights 0, 0.25, 0.75, 1 of the right pixel.
    const row = (a: number, b: number) => [a, a + (b - a) * 0.25, a + (b - a) * 0.75, b];
    assertTensor(data, [
      ...row(10, 210),
      ...row(10, 210),
      ...row(20, 120),
      ...row(20, 120),
      ...row(30, 90),
      ...row(30, 90),
    ]);
    assert.deepEqual([mapping.scaleX, mapping.scaleY, mapping.padX, mapping.padY], [2, 2, 0, 0]);
    assert.deepEqual(mapBoxToFrame(mapping, 0, 0, 4, 2), { x1: 0, y1: 0, x2: 2, y2: 1 });
  });

  it('rounds each resampled value half up to an integer before scaling, as cv2.resize on uint8 does', () => {
    const frame = { data: Uint8Array.from([0, 0, 0, 1, 2, 3]), width: 2, height: 1 };
    const { data } = run(spec({ resize: 'stretch', scale: 1 }), frame, 4, 1);
    // Bilinear values 0, 0.25, 0.75, 1 | 0, 0.5, 1.5, 2 | 0, 0.75, 2.25, 3.
    assert.deepEqual(Array.from(data), [0, 0, 1, 1, 0, 1, 2, 2, 0, 1, 2, 3]);
  });

  it('stretches a wide frame with different scales per axis and maps boxes back per axis', () => {
    const frame = { data: new Uint8Array(8 * 2 * 3).fill(50), width: 8, height: 2 };
    const { mapping } = run(spec({ resize: 'stretch' }), frame, 4, 4);
    assert.deepEqual([mapping.scaleX, mapping.scaleY], [0.5, 2]);
    assert.deepEqual(mapBoxToFrame(mapping, 1, 1, 3, 3), { x1: 2, y1: 0.5, x2: 6, y2: 1.5 });
  });

  it('centres the letterbox with the padding value on every plane (golden)', () => {
    const { data, mapping } = run(spec({ scale: 1, padValue: 7 }), FRAME_2x1, 4, 4);
    const P = [7, 7, 7, 7];
    const row = (a: number, b: number) => [a, a + (b - a) * 0.25, a + (b - a) * 0.75, b];
    assertTensor(data, [
      ...P,
      ...row(10, 210),
      ...row(10, 210),
      ...P,
      ...P,
      ...row(20, 120),
      ...row(20, 120),
      ...P,
      ...P,
      ...row(30, 90),
      ...row(30, 90),
      ...P,
    ]);
    assert.deepEqual([mapping.padX, mapping.padY], [0, 1]);
    assert.deepEqual(mapBoxToFrame(mapping, 0, 1, 4, 3), { x1: 0, y1: 0, x2: 2, y2: 1 });
  });

  it('puts the letterbox in the top-left corner for YOLOX (BGR, 0..255, pad 114) (golden)', () => {
    const { data, mapping } = run({ ...YOLOX_PREPROCESS }, FRAME_2x1, 4, 4);
    const P = [114, 114, 114, 114];
    const row = (a: number, b: number) => [a, a + (b - a) * 0.25, a + (b - a) * 0.75, b];
    assertTensor(data, [
      ...row(30, 90),
      ...row(30, 90),
      ...P,
      ...P,
      ...row(20, 120),
      ...row(20, 120),
      ...P,
      ...P,
      ...row(10, 210),
      ...row(10, 210),
      ...P,
      ...P,
    ]);
    assert.deepEqual([mapping.padX, mapping.padY, mapping.scaleX], [0, 0, 2]);
    assert.deepEqual(mapBoxToFrame(mapping, 0, 0, 4, 2), { x1: 0, y1: 0, x2: 2, y2: 1 });
    assert.deepEqual(mapBoxToFrame(mapping, 0, 2, 4, 4), { x1: 0, y1: 1, x2: 2, y2: 1 });
  });

  it('pads a tall frame on the right only when top-left, on both sides when centred', () => {
    const frame = { data: new Uint8Array(1 * 4 * 3).fill(200), width: 1, height: 4 };
    const tl = run(spec({ padPosition: 'top_left', scale: 1, padValue: 0 }), frame, 4, 4).data;
    const c = run(spec({ scale: 1, padValue: 0 }), frame, 4, 4).data;
    assert.deepEqual(Array.from(tl.subarray(0, 4)), [200, 0, 0, 0]);
    assert.deepEqual(Array.from(c.subarray(0, 4)), [0, 200, 0, 0]); // floor(3 / 2) = 1 on the left
  });

  it('runs the padding through the mean and std too', () => {
    const s = spec({ scale: 1, mean: [114, 100, 14], std: [1, 2, 10] });
    assert.deepEqual(padTensorValues(s), [0, 7, 10]);
    const { data } = run(s, FRAME_2x1, 4, 4);
    assert.deepEqual([data[0], data[16], data[32]], [0, 7, 10]);
  });

  it('reads only the crop, and gives the same tensor with or without a reused cache', () => {
    const frame = { data: new Uint8Array(6 * 4 * 3), width: 6, height: 4 };
    for (let i = 0; i < frame.data.length; i++) frame.data[i] = (i * 37) % 256;
    const s = spec({ channelOrder: 'bgr', resize: 'stretch' });
    const crop = { x1: 2, y1: 1, x2: 5, y2: 3 };
    const a = new Float32Array(3 * 16);
    const b = new Float32Array(3 * 16);
    const cache = new ResampleCache();
    preprocess(s, frame, null, { data: b, width: 4, height: 4 }, cache);
    const m = preprocess(s, frame, crop, { data: a, width: 4, height: 4 });
    preprocess(s, frame, crop, { data: b, width: 4, height: 4 }, cache);
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.deepEqual([m.cropX, m.cropY, m.cropWidth, m.cropHeight], [2, 1, 3, 2]);
    assert.deepEqual(mapBoxToFrame(m, 0, 0, 4, 4), { x1: 2, y1: 1, x2: 5, y2: 3 });
  });

  it('rejects a destination tensor of the wrong size, short frame data and a bad crop', () => {
    const s = spec({});
    assert.throws(
      () => preprocess(s, FRAME_2x1, null, { data: new Float32Array(47), width: 4, height: 4 }),
      (e: unknown) => e instanceof RangeError && /needs 48/.test(e.message),
    );
    assert.throws(
      () =>
        preprocess(s, { data: new Uint8Array(5), width: 2, height: 1 }, null, {
          data: new Float32Array(48),
          width: 4,
          height: 4,
        }),
      RangeError,
    );
    assert.throws(
      () =>
        preprocess(
          s,
          FRAME_2x1,
          { x1: 0, y1: 0, x2: 3, y2: 1 },
          {
            data: new Float32Array(48),
            width: 4,
            height: 4,
          },
        ),
      RangeError,
    );
  });

  it('rejects a spec with an unknown channel order, a zero scale, a zero std or a pad out of 0..255', () => {
    const bad: Array<[Partial<PreprocessSpec>, RegExp]> = [
      [{ channelOrder: 'grb' as 'rgb' }, /channelOrder must be rgb or bgr/],
      [{ scale: 0 }, /scale must be a finite number > 0/],
      [{ std: [1, 0, 1] }, /std values must be finite and > 0/],
      [{ mean: [1, 2] as unknown as [number, number, number] }, /mean must be null or three/],
      [{ padValue: 256 }, /padValue must be an integer 0..255/],
      [{ resize: 'crop' as 'stretch' }, /resize must be letterbox or stretch/],
      [{ padPosition: 'bottom' as 'center' }, /padPosition must be center or top_left/],
    ];
    for (const [over, msg] of bad)
      assert.throws(
        () => validatePreprocessSpec(spec(over)),
        (e: unknown) => e instanceof Error && msg.test(e.message),
      );
    assert.doesNotThrow(() => validatePreprocessSpec({ ...YOLOX_PREPROCESS }));
  });
});

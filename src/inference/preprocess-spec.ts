/**
 * The preprocessing half of the model contract (docs/models.md, "Preprocessing"): how an RGB24
 * frame becomes the model's input tensor. A resolved PreprocessSpec has no `auto` left in it;
 * preprocess-derive.ts derives one from the model file and the config.
 *
 * Each tensor value is, for the model's input channel c (after the channel order is applied):
 *
 *     value = (pixel · scale − mean[c]) / std[c]
 *
 * where `pixel` is the resampled 0..255 value of that colour, `mean` and `std` are in the units
 * of `pixel · scale` (so ImageNet's [0.485, 0.456, 0.406] / [0.229, 0.224, 0.225] go with
 * scale 1/255, and [123.675, 116.28, 103.53] / [58.395, 57.12, 57.375] with scale 1), and both are
 * listed in R, G, B order whatever the channel order. Padding is the pixel value `padValue` in
 * every colour, run through the same formula.
 */

export type ChannelOrder = 'rgb' | 'bgr';
export type ResizeMode = 'letterbox' | 'stretch';
export type PadPosition = 'center' | 'top_left';
export type Rgb = readonly [number, number, number];

export interface PreprocessSpec {
  /** Order of the three input planes. */
  channelOrder: ChannelOrder;
  /** Factor applied to 0..255 pixel values: 1/255 (0..1 input) or 1 (0..255 input). */
  scale: number;
  /** Subtracted after scaling, per colour in R, G, B order; null = none. */
  mean: Rgb | null;
  /** Divides after the mean, per colour in R, G, B order; null = none. */
  std: Rgb | null;
  /** letterbox keeps the aspect ratio and pads; stretch fills the input on both axes. */
  resize: ResizeMode;
  /** Padding pixel value, 0..255 (before scale/mean/std). Letterbox only. */
  padValue: number;
  /** Where the resized frame sits when letterboxed: centred, or in the top-left corner. */
  padPosition: PadPosition;
}

/** Ultralytics (YOLOv5/v8/11, end-to-end exports): RGB, 0..1, centred letterbox on grey 114. */
export const ULTRALYTICS_PREPROCESS: Readonly<PreprocessSpec> = Object.freeze({
  channelOrder: 'rgb',
  scale: 1 / 255,
  mean: null,
  std: null,
  resize: 'letterbox',
  padValue: 114,
  padPosition: 'center',
});

/** Official YOLOX exports: BGR, 0..255, letterbox in the top-left corner on grey 114. */
export const YOLOX_PREPROCESS: Readonly<PreprocessSpec> = Object.freeze({
  channelOrder: 'bgr',
  scale: 1,
  mean: null,
  std: null,
  resize: 'letterbox',
  padValue: 114,
  padPosition: 'top_left',
});

const CHANNEL_ORDERS: readonly string[] = ['rgb', 'bgr'];
const RESIZE_MODES: readonly string[] = ['letterbox', 'stretch'];
const PAD_POSITIONS: readonly string[] = ['center', 'top_left'];

function checkRgb(name: string, v: unknown, positive: boolean): void {
  if (v === null) return;
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number'))
    throw new TypeError(`preprocess ${name} must be null or three numbers [r, g, b]`);
  for (const x of v as number[]) {
    if (!Number.isFinite(x) || (positive && x <= 0))
      throw new RangeError(
        `preprocess ${name} values must be finite${positive ? ' and > 0' : ''}, got [${(v as number[]).join(', ')}]`,
      );
  }
}

/** Checks a resolved spec at the API edge: TypeError for wrong types, RangeError for values. */
export function validatePreprocessSpec(s: PreprocessSpec): void {
  if (typeof s !== 'object' || s === null)
    throw new TypeError('a preprocess spec is an object (see PreprocessSpec)');
  if (!CHANNEL_ORDERS.includes(s.channelOrder))
    throw new RangeError(
      `preprocess channelOrder must be rgb or bgr, got ${String(s.channelOrder)}`,
    );
  if (typeof s.scale !== 'number' || !Number.isFinite(s.scale) || s.scale <= 0)
    throw new RangeError(`preprocess scale must be a finite number > 0, got ${String(s.scale)}`);
  checkRgb('mean', s.mean, false);
  checkRgb('std', s.std, true);
  if (!RESIZE_MODES.includes(s.resize))
    throw new RangeError(`preprocess resize must be letterbox or stretch, got ${String(s.resize)}`);
  if (
    typeof s.padValue !== 'number' ||
    !Number.isInteger(s.padValue) ||
    s.padValue < 0 ||
    s.padValue > 255
  )
    throw new RangeError(
      `preprocess padValue must be an integer 0..255, got ${String(s.padValue)}`,
    );
  if (!PAD_POSITIONS.includes(s.padPosition))
    throw new RangeError(
      `preprocess padPosition must be center or top_left, got ${String(s.padPosition)}`,
    );
}

/**
 * Per input plane p (0..2): the source colour it reads (0 = R) and the affine `v · gain + bias`
 * that turns a 0..255 pixel value into the tensor value.
 */
export interface PlaneMaps {
  colour: [number, number, number];
  gain: [number, number, number];
  bias: [number, number, number];
}

export function planeMaps(s: PreprocessSpec): PlaneMaps {
  const colour: [number, number, number] = s.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const gain: [number, number, number] = [0, 0, 0];
  const bias: [number, number, number] = [0, 0, 0];
  for (let p = 0; p < 3; p++) {
    const c = colour[p]!;
    const m = s.mean ? s.mean[c]! : 0;
    const d = s.std ? s.std[c]! : 1;
    gain[p] = s.scale / d;
    bias[p] = -m / d;
  }
  return { colour, gain, bias };
}

/** The tensor value of the padding in each input plane. */
export function padTensorValues(s: PreprocessSpec): [number, number, number] {
  const m = planeMaps(s);
  return [0, 1, 2].map((p) => s.padValue * m.gain[p]! + m.bias[p]!) as [number, number, number];
}

/** One line for logs and `model info`, e.g. "rgb, scale 1/255, letterbox centred, pad 114". */
export function describePreprocess(s: PreprocessSpec): string {
  const scale = Math.abs(s.scale - 1 / 255) < 1e-12 ? '1/255' : String(s.scale);
  const parts = [s.channelOrder, `scale ${scale}`];
  if (s.mean) parts.push(`mean [${s.mean.join(', ')}]`);
  if (s.std) parts.push(`std [${s.std.join(', ')}]`);
  if (s.resize === 'stretch') parts.push('stretch');
  else
    parts.push(
      `letterbox ${s.padPosition === 'center' ? 'centred' : 'top-left'}`,
      `pad ${s.padValue}`,
    );
  return parts.join(', ');
}

/**
 * Bilinear resampling of an RGB24 crop into three float planes, with half-pixel centres: the
 * same taps as OpenCV's INTER_LINEAR, which Ultralytics and YOLOX use. Like cv2.resize on a uint8
 * image, each resampled value is rounded to an integer 0..255 (half up) before it is scaled, so
 * the model sees the pixel values it was trained on (the realworld acceptance test measured
 * about 7 % of small, near-threshold person boxes flipping at 320 without it). Each destination plane
 * reads one source colour and applies `v · gain + bias` (scale, mean and std folded together).
 * Index and weight tables depend only on (source length, destination length), so callers keep
 * them per geometry (ResampleCache).
 */
import type { PlaneMaps } from './preprocess-spec.js';

/**
 * The taps of an integer downscale by `step` (2:1, 3:1, 4:1, …): destination d reads
 * start + step·d, and with `pair` also the next source pixel, each at weight 0.5 (even steps,
 * whose half-pixel centres fall between two pixels); without it, that one pixel (odd steps).
 */
export interface UniformTaps {
  start: number;
  step: number;
  pair: boolean;
}

/** Bilinear taps along one axis: source index pairs and the weight of the second. */
export interface AxisTable {
  i0: Int32Array;
  i1: Int32Array;
  w: Float32Array;
  /** Same size, no scaling: destination d reads source d. */
  identity: boolean;
  /** An integer downscale whose taps follow UniformTaps (checked on the table itself); else null. */
  uniform: UniformTaps | null;
}

export function axisTable(srcLen: number, dstLen: number): AxisTable {
  const t: AxisTable = {
    i0: new Int32Array(dstLen),
    i1: new Int32Array(dstLen),
    w: new Float32Array(dstLen),
    identity: srcLen === dstLen,
    uniform: null,
  };
  const ratio = srcLen / dstLen;
  for (let d = 0; d < dstLen; d++) {
    let s = (d + 0.5) * ratio - 0.5;
    if (s < 0) s = 0;
    let s0 = Math.floor(s);
    let f = s - s0;
    if (s0 >= srcLen - 1) {
      s0 = srcLen - 1;
      f = 0;
    }
    t.i0[d] = s0;
    t.i1[d] = Math.min(s0 + 1, srcLen - 1);
    t.w[d] = f;
  }
  t.uniform = uniformTaps(t, srcLen, dstLen);
  return t;
}

/** The table's UniformTaps when every tap follows them, else null. */
function uniformTaps(t: AxisTable, srcLen: number, dstLen: number): UniformTaps | null {
  const step = srcLen / dstLen;
  if (!Number.isInteger(step) || step < 2) return null;
  const u: UniformTaps = { start: t.i0[0]!, step, pair: t.w[0] === 0.5 };
  for (let d = 0; d < dstLen; d++) {
    if (t.i0[d] !== u.start + step * d) return null;
    if (u.pair ? t.w[d] !== 0.5 || t.i1[d] !== t.i0[d]! + 1 : t.w[d] !== 0) return null;
  }
  return u;
}

/** Where the crop is read and where the resized block is written. */
export interface ResampleTarget {
  src: Uint8Array;
  srcWidth: number;
  cropX: number;
  cropY: number;
  dst: Float32Array;
  /** Destination (model input) width and height. */
  W: number;
  H: number;
  /** Top-left corner of the resized block in the destination. */
  px: number;
  py: number;
}

/** Offsets of the destination plane of each source colour, and its gain and bias. */
function colourPlanes(
  m: PlaneMaps,
  plane: number,
): { o: [number, number, number]; g: [number, number, number]; b: [number, number, number] } {
  const o: [number, number, number] = [0, 0, 0];
  const g: [number, number, number] = [0, 0, 0];
  const b: [number, number, number] = [0, 0, 0];
  for (let p = 0; p < 3; p++) {
    const c = m.colour[p]!;
    o[c] = p * plane;
    g[c] = m.gain[p]!;
    b[c] = m.bias[p]!;
  }
  return { o, g, b };
}

export function resampleBilinear(
  t: ResampleTarget,
  xs: AxisTable,
  ys: AxisTable,
  m: PlaneMaps,
): void {
  const { src, dst, W, px, py, cropX, cropY } = t;
  const plane = W * t.H;
  const { o: po, g, b } = colourPlanes(m, plane);
  const [oR, oG, oB] = po;
  const [gR, gG, gB] = g;
  const [bR, bG, bB] = b;
  const rw = xs.w.length;
  const rh = ys.w.length;
  const stride = t.srcWidth * 3;
  const ux = xs.uniform;
  const uy = ys.uniform;
  if (ux && uy && ux.pair === uy.pair) {
    resampleUniform(t, rw, rh, ux, uy, po, g, b);
    return;
  }
  const identity = xs.identity && ys.identity;
  for (let dy = 0; dy < rh; dy++) {
    const r0 = (cropY + ys.i0[dy]!) * stride + cropX * 3;
    const r1 = (cropY + ys.i1[dy]!) * stride + cropX * 3;
    const fy = ys.w[dy]!;
    let o = (py + dy) * W + px;
    if (identity) {
      for (let dx = 0, a = r0; dx < rw; dx++, o++, a += 3) {
        dst[oR + o] = src[a]! * gR + bR;
        dst[oG + o] = src[a + 1]! * gG + bG;
        dst[oB + o] = src[a + 2]! * gB + bB;
      }
      continue;
    }
    for (let dx = 0; dx < rw; dx++, o++) {
      const c0 = xs.i0[dx]! * 3;
      const c1 = xs.i1[dx]! * 3;
      const fx = xs.w[dx]!;
      const a = r0 + c0;
      const e0 = r0 + c1;
      const d = r1 + c0;
      const e = r1 + c1;
      let top = src[a]! + (src[e0]! - src[a]!) * fx;
      let bot = src[d]! + (src[e]! - src[d]!) * fx;
      dst[oR + o] = Math.floor(top + (bot - top) * fy + 0.5) * gR + bR;
      top = src[a + 1]! + (src[e0 + 1]! - src[a + 1]!) * fx;
      bot = src[d + 1]! + (src[e + 1]! - src[d + 1]!) * fx;
      dst[oG + o] = Math.floor(top + (bot - top) * fy + 0.5) * gG + bG;
      top = src[a + 2]! + (src[e0 + 2]! - src[a + 2]!) * fx;
      bot = src[d + 2]! + (src[e + 2]! - src[d + 2]!) * fx;
      dst[oB + o] = Math.floor(top + (bot - top) * fy + 0.5) * gB + bB;
    }
  }
}

/**
 * An integer downscale by the same step on both axes, with the same kind of taps. Even steps
 * (2:1 as 640×480 into 320, 4:1 as 1280×720 into 320): every tap pair is two neighbours with
 * weight 0.5, so each value is the mean of a 2×2 block and the tables are not read. The general
 * loop computes (a+b)/2, (d+e)/2 and their mean exactly (small integers and quarters) and rounds
 * it half up; so does (a+b+d+e+2) >> 2 in integers. Odd steps (3:1 as 1920×1080 into 640): every
 * half-pixel centre falls on a source pixel, the general loop's weights are all 0, and it reads
 * that pixel unchanged. Same floats as the general loop, bit for bit, at two to five times the
 * speed (test/unit/inference-resample-uniform.test.ts).
 */
function resampleUniform(
  t: ResampleTarget,
  rw: number,
  rh: number,
  ux: UniformTaps,
  uy: UniformTaps,
  po: readonly [number, number, number],
  g: readonly [number, number, number],
  b: readonly [number, number, number],
): void {
  const { src, dst, W, px, py, cropX, cropY } = t;
  const stride = t.srcWidth * 3;
  const [oR, oG, oB] = po;
  const [gR, gG, gB] = g;
  const [bR, bG, bB] = b;
  const dx = ux.step * 3;
  for (let y = 0; y < rh; y++) {
    let a = (cropY + uy.start + uy.step * y) * stride + (cropX + ux.start) * 3;
    let o = (py + y) * W + px;
    const end = o + rw;
    if (!ux.pair) {
      for (; o < end; o++, a += dx) {
        dst[oR + o] = src[a]! * gR + bR;
        dst[oG + o] = src[a + 1]! * gG + bG;
        dst[oB + o] = src[a + 2]! * gB + bB;
      }
      continue;
    }
    for (let d = a + stride; o < end; o++, a += dx, d += dx) {
      dst[oR + o] = ((src[a]! + src[a + 3]! + src[d]! + src[d + 3]! + 2) >> 2) * gR + bR;
      dst[oG + o] = ((src[a + 1]! + src[a + 4]! + src[d + 1]! + src[d + 4]! + 2) >> 2) * gG + bG;
      dst[oB + o] = ((src[a + 2]! + src[a + 5]! + src[d + 2]! + src[d + 5]! + 2) >> 2) * gB + bB;
    }
  }
}

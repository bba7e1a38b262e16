/**
 * preprocess(): the one function that turns an RGB24 frame (optionally an ROI crop of it) into
 * the model's NCHW float input, following a resolved PreprocessSpec (preprocess-spec.ts), and
 * returns the BoxMapping the decoder uses to map boxes back to frame pixels.
 *
 * It is pure and worker-safe: no telemetry, no onnxruntime, no I/O; its only state is the optional
 * ResampleCache the caller passes to reuse the resampling tables of the last geometry.
 *
 * Geometry (docs/models.md, "Preprocessing"):
 * - letterbox: scale r = min(W / cropW, H / cropH), up or down; resized size round(crop · r)
 *   (at least 1, at most the input); `center` puts floor((W − rw) / 2) on the left and
 *   floor((H − rh) / 2) on top (Ultralytics), `top_left` puts the block at (0, 0) (YOLOX); the rest
 *   is padding.
 * - stretch: the crop fills W × H; the two axes scale independently.
 */
import type { Box } from '../domain/detection.js';
import type { Roi } from '../domain/roi.js';
import {
  padTensorValues,
  planeMaps,
  type PlaneMaps,
  type PreprocessSpec,
} from './preprocess-spec.js';
import { checkCrop, checkFrame, checkInputSize } from './preprocess-checks.js';
import { axisTable, resampleBilinear, type AxisTable } from './resample.js';

export { checkInputSize } from './preprocess-checks.js';

/** An RGB24 frame: width · height · 3 bytes, row-major. */
export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The model input being written: a [1, 3, height, width] float32 tensor. */
export interface InputTensor {
  data: Float32Array;
  width: number;
  height: number;
}

/** How model-input pixels relate to source-frame pixels for one prepared frame. */
export interface BoxMapping {
  frameWidth: number;
  frameHeight: number;
  /** The crop in frame pixels (the whole frame without an ROI); x2/y2 exclusive. */
  cropX: number;
  cropY: number;
  cropWidth: number;
  cropHeight: number;
  inputWidth: number;
  inputHeight: number;
  /** Size of the resized crop inside the input, pixels. */
  resizedWidth: number;
  resizedHeight: number;
  /** Left and top padding, input pixels (0 for stretch and top_left). */
  padX: number;
  padY: number;
  /** resizedWidth / cropWidth and resizedHeight / cropHeight (differ for stretch). */
  scaleX: number;
  scaleY: number;
}

export interface InputGeometry {
  resizedWidth: number;
  resizedHeight: number;
  padX: number;
  padY: number;
}

/** Where the resized crop sits inside the input for this spec. */
export function inputGeometry(
  spec: Pick<PreprocessSpec, 'resize' | 'padPosition'>,
  cropWidth: number,
  cropHeight: number,
  inputWidth: number,
  inputHeight: number,
): InputGeometry {
  if (spec.resize === 'stretch')
    return { resizedWidth: inputWidth, resizedHeight: inputHeight, padX: 0, padY: 0 };
  const r = Math.min(inputWidth / cropWidth, inputHeight / cropHeight);
  const resizedWidth = Math.max(1, Math.min(inputWidth, Math.round(cropWidth * r)));
  const resizedHeight = Math.max(1, Math.min(inputHeight, Math.round(cropHeight * r)));
  if (spec.padPosition === 'top_left') return { resizedWidth, resizedHeight, padX: 0, padY: 0 };
  return {
    resizedWidth,
    resizedHeight,
    padX: Math.floor((inputWidth - resizedWidth) / 2),
    padY: Math.floor((inputHeight - resizedHeight) / 2),
  };
}

/**
 * Resampling tables of the last (crop size, resized size), and the plane maps of the last spec
 * object; pass one per stream to reuse them.
 */
export class ResampleCache {
  private key = '';
  private xs: AxisTable | null = null;
  private ys: AxisTable | null = null;
  private spec: PreprocessSpec | null = null;
  private maps: PlaneMaps | null = null;
  private pad: [number, number, number] | null = null;

  /** Plane maps and padding of `spec`, recomputed only when a different spec object comes. */
  planes(spec: PreprocessSpec): { maps: PlaneMaps; pad: [number, number, number] } {
    if (spec !== this.spec || !this.maps || !this.pad) {
      this.maps = planeMaps(spec);
      this.pad = padTensorValues(spec);
      this.spec = spec;
    }
    return { maps: this.maps, pad: this.pad };
  }

  tables(cw: number, ch: number, rw: number, rh: number): [AxisTable, AxisTable] {
    const key = `${cw}x${ch}>${rw}x${rh}`;
    if (key !== this.key || !this.xs || !this.ys) {
      this.xs = axisTable(cw, rw);
      this.ys = axisTable(ch, rh);
      this.key = key;
    }
    return [this.xs, this.ys];
  }
}

function fillPadding(
  dst: Float32Array,
  W: number,
  H: number,
  g: InputGeometry,
  pad: readonly number[],
): void {
  const { padX: px, padY: py, resizedWidth: rw, resizedHeight: rh } = g;
  const plane = W * H;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    const v = pad[c]!;
    dst.fill(v, base, base + py * W);
    dst.fill(v, base + (py + rh) * W, base + plane);
    if (px > 0 || px + rw < W) {
      for (let y = py; y < py + rh; y++) {
        const row = base + y * W;
        dst.fill(v, row, row + px);
        dst.fill(v, row + px + rw, row + W);
      }
    }
  }
}

/**
 * Writes `frame` (or its `crop`, frame pixels, x2/y2 exclusive) into `out` as the model expects
 * it and returns the mapping back. The spec is trusted (validate it once with
 * validatePreprocessSpec); frame, crop and tensor size are checked (TypeError / RangeError).
 */
export function preprocess(
  spec: PreprocessSpec,
  frame: RgbFrame,
  crop: Roi | null,
  out: InputTensor,
  cache: ResampleCache = new ResampleCache(),
): BoxMapping {
  checkFrame(frame);
  const W = out.width;
  const H = out.height;
  checkInputSize(W, H);
  if (!(out.data instanceof Float32Array) || out.data.length !== 3 * W * H)
    throw new RangeError(
      `destination tensor holds ${out.data?.length} floats; ${W}x${H} needs ${3 * W * H}`,
    );
  if (crop) checkCrop(crop, frame.width, frame.height);
  const cx = crop ? crop.x1 : 0;
  const cy = crop ? crop.y1 : 0;
  const cw = crop ? crop.x2 - crop.x1 : frame.width;
  const ch = crop ? crop.y2 - crop.y1 : frame.height;
  const g = inputGeometry(spec, cw, ch, W, H);
  const [xs, ys] = cache.tables(cw, ch, g.resizedWidth, g.resizedHeight);
  const { maps, pad } = cache.planes(spec);
  fillPadding(out.data, W, H, g, pad);
  resampleBilinear(
    {
      src: frame.data,
      srcWidth: frame.width,
      cropX: cx,
      cropY: cy,
      dst: out.data,
      W,
      H,
      px: g.padX,
      py: g.padY,
    },
    xs,
    ys,
    maps,
  );
  return {
    frameWidth: frame.width,
    frameHeight: frame.height,
    cropX: cx,
    cropY: cy,
    cropWidth: cw,
    cropHeight: ch,
    inputWidth: W,
    inputHeight: H,
    resizedWidth: g.resizedWidth,
    resizedHeight: g.resizedHeight,
    padX: g.padX,
    padY: g.padY,
    scaleX: g.resizedWidth / cw,
    scaleY: g.resizedHeight / ch,
  };
}

/** Maps a box in model-input pixels to source-frame pixels, clipped to the crop. */
export function mapBoxToFrame(t: BoxMapping, x1: number, y1: number, x2: number, y2: number): Box {
  const minX = t.cropX;
  const minY = t.cropY;
  const maxX = t.cropX + t.cropWidth;
  const maxY = t.cropY + t.cropHeight;
  const clip = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
  return {
    x1: clip(t.cropX + (x1 - t.padX) / t.scaleX, minX, maxX),
    y1: clip(t.cropY + (y1 - t.padY) / t.scaleY, minY, maxY),
    x2: clip(t.cropX + (x2 - t.padX) / t.scaleX, minX, maxX),
    y2: clip(t.cropY + (y2 - t.padY) / t.scaleY, minY, maxY),
  };
}

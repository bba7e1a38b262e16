/**
 * An independent reference for the real-model acceptance test, written from Ultralytics'
 * published preprocessing and postprocessing (ultralytics/data/augment.py LetterBox,
 * ultralytics/utils/ops.py non_max_suppression and scale_boxes), with nothing from src/:
 *
 * - LetterBox: r = min(S / h, S / w); new size (round(w·r), round(h·r)); cv2.resize INTER_LINEAR
 *   (half-pixel centres, result rounded to uint8); dw, dh = (S − new) / 2; top = round(dh − 0.1),
 *   left = round(dw − 0.1); border 114; then BGR→RGB, HWC→CHW, /255.
 * - [1, 84, N] output: per anchor the best class (multi_label=False), kept when its score is
 *   above conf; xywh → xyxy; per-class NMS (IoU above iou suppresses).
 * - scale_boxes: subtract (left, top), divide by r, clip to the frame.
 */
import { execFileSync } from 'node:child_process';
import { InferenceSession, Tensor } from 'onnxruntime-node';

export interface RefBox {
  cls: number;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface RawFrames {
  width: number;
  height: number;
  frames: Uint8Array[];
}

/** The first `n` frames of a video as RGB24, decoded by ffmpeg. */
export function readFrames(path: string, n: number): RawFrames {
  const probe = execFileSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0',
    path,
  ])
    .toString()
    .trim();
  const [width, height] = probe.split(',').map(Number) as [number, number];
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-i', path, '-frames:v', String(n)].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]),
    { maxBuffer: 1 << 30 },
  );
  const size = width * height * 3;
  const frames: Uint8Array[] = [];
  for (let i = 0; i + size <= raw.length; i += size)
    frames.push(new Uint8Array(raw.buffer, raw.byteOffset + i, size));
  return { width, height, frames };
}

/** cv2.resize(INTER_LINEAR) of an RGB24 image, rounded to uint8 as OpenCV does. */
function resizeLinear(src: Uint8Array, w: number, h: number, nw: number, nh: number): Uint8Array {
  const out = new Uint8Array(nw * nh * 3);
  const tap = (d: number, sLen: number, dLen: number): [number, number, number] => {
    let s = (d + 0.5) * (sLen / dLen) - 0.5;
    if (s < 0) s = 0;
    const i0 = Math.min(Math.floor(s), sLen - 1);
    const i1 = Math.min(i0 + 1, sLen - 1);
    return [i0, i1, s - i0 > 1 ? 0 : s - i0];
  };
  for (let y = 0; y < nh; y++) {
    const [y0, y1, fy] = tap(y, h, nh);
    for (let x = 0; x < nw; x++) {
      const [x0, x1, fx] = tap(x, w, nw);
      for (let c = 0; c < 3; c++) {
        const p = (yy: number, xx: number) => src[(yy * w + xx) * 3 + c]!;
        const v =
          (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x1)) +
          fy * ((1 - fx) * p(y1, x0) + fx * p(y1, x1));
        out[(y * nw + x) * 3 + c] = Math.round(v);
      }
    }
  }
  return out;
}

export interface Letterboxed {
  tensor: Float32Array;
  r: number;
  left: number;
  top: number;
}

export function ultralyticsLetterbox(
  rgb: Uint8Array,
  w: number,
  h: number,
  S: number,
): Letterboxed {
  const r = Math.min(S / h, S / w);
  const nw = Math.round(w * r);
  const nh = Math.round(h * r);
  const left = Math.round((S - nw) / 2 - 0.1);
  const top = Math.round((S - nh) / 2 - 0.1);
  const small = nw === w && nh === h ? rgb : resizeLinear(rgb, w, h, nw, nh);
  const tensor = new Float32Array(3 * S * S).fill(114 / 255);
  for (let y = 0; y < nh; y++)
    for (let x = 0; x < nw; x++)
      for (let c = 0; c < 3; c++)
        tensor[c * S * S + (y + top) * S + (x + left)] = small[(y * nw + x) * 3 + c]! / 255;
  return { tensor, r, left, top };
}

export function iou(a: RefBox, b: RefBox): number {
  const iw = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const ih = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

export function decodeV8(
  out: Float32Array,
  nc: number,
  n: number,
  conf: number,
  iouThr: number,
): RefBox[] {
  const cands: RefBox[] = [];
  for (let i = 0; i < n; i++) {
    let best = -1;
    let cls = -1;
    for (let c = 0; c < nc; c++) {
      const s = out[(4 + c) * n + i]!;
      if (s > best) {
        best = s;
        cls = c;
      }
    }
    if (best <= conf) continue;
    const cx = out[i]!;
    const cy = out[n + i]!;
    const bw = out[2 * n + i]!;
    const bh = out[3 * n + i]!;
    cands.push({
      cls,
      score: best,
      x1: cx - bw / 2,
      y1: cy - bh / 2,
      x2: cx + bw / 2,
      y2: cy + bh / 2,
    });
  }
  cands.sort((a, b) => b.score - a.score);
  const kept: RefBox[] = [];
  for (const c of cands) if (!kept.some((k) => k.cls === c.cls && iou(k, c) > iouThr)) kept.push(c);
  return kept;
}

/** A reference detector: its own ONNX Runtime session, letterbox, decode and NMS. */
export class ReferenceDetector {
  private constructor(
    private readonly session: InferenceSession,
    readonly size: number,
  ) {}

  static async open(modelPath: string): Promise<ReferenceDetector> {
    const session = await InferenceSession.create(modelPath, { intraOpNumThreads: 2 });
    const meta = session.inputMetadata[0] as { shape?: readonly unknown[] } | undefined;
    const size = Number(meta?.shape?.[3] ?? 640);
    return new ReferenceDetector(session, size);
  }

  async detect(
    rgb: Uint8Array,
    w: number,
    h: number,
    conf: number,
    iouThr: number,
  ): Promise<RefBox[]> {
    const S = this.size;
    const lb = ultralyticsLetterbox(rgb, w, h, S);
    const feeds = { [this.session.inputNames[0]!]: new Tensor('float32', lb.tensor, [1, 3, S, S]) };
    const result = await this.session.run(feeds);
    const out = result[this.session.outputNames[0]!]!;
    const [, c, n] = out.dims as [number, number, number];
    const boxes = decodeV8(out.data as Float32Array, c - 4, n, conf, iouThr);
    const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
    return boxes.map((b) => ({
      ...b,
      x1: clip((b.x1 - lb.left) / lb.r, w),
      y1: clip((b.y1 - lb.top) / lb.r, h),
      x2: clip((b.x2 - lb.left) / lb.r, w),
      y2: clip((b.y2 - lb.top) / lb.r, h),
    }));
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Greedy one-to-one matching at IoU ≥ thr, best pairs first; returns the matched count. */
export function matchBoxes(ref: readonly RefBox[], got: readonly RefBox[], thr: number): number {
  const pairs: Array<[number, number, number]> = [];
  ref.forEach((a, i) =>
    got.forEach((b, j) => {
      const v = iou(a, b);
      if (v >= thr) pairs.push([v, i, j]);
    }),
  );
  pairs.sort((a, b) => b[0] - a[0]);
  const ri = new Set<number>();
  const gj = new Set<number>();
  for (const [, i, j] of pairs) {
    if (ri.has(i) || gj.has(j)) continue;
    ri.add(i);
    gj.add(j);
  }
  return ri.size;
}

/**
 * Output decoders, one per layout. Each reads the raw output and appends the candidates whose
 * score is at least `confidence` to a reused Candidates buffer, as corner boxes in model-input
 * pixels. They allocate nothing per frame.
 *
 * - yolov8  [1, 4+nc, N]: rows cx, cy, w, h, then one score row per class; score = best class score.
 * - yolov5  [1, N, 5+nc]: columns cx, cy, w, h, objectness, class scores; score = obj × best class.
 * - yolox   as yolov5; a raw export also needs grid decoding: for anchor i at stride s and cell
 *           (gx, gy), cx = (x + gx)·s, cy = (y + gy)·s, w = exp(w)·s, h = exp(h)·s.
 * - end2end [1, K, 6]: x1, y1, x2, y2, score, class; already NMS-ed.
 */
import type { Candidates } from './candidates.js';
import { STRIDES } from './layout.js';

/** Per-anchor grid cell and stride for raw YOLOX outputs (strides 8, 16, 32, row-major cells). */
export interface Grid {
  gx: Float32Array;
  gy: Float32Array;
  stride: Float32Array;
}

export function buildGrid(inputWidth: number, inputHeight: number): Grid {
  let n = 0;
  for (const s of STRIDES) n += Math.floor(inputWidth / s) * Math.floor(inputHeight / s);
  const g: Grid = { gx: new Float32Array(n), gy: new Float32Array(n), stride: new Float32Array(n) };
  let i = 0;
  for (const s of STRIDES) {
    const w = Math.floor(inputWidth / s);
    const h = Math.floor(inputHeight / s);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        g.gx[i] = x;
        g.gy[i] = y;
        g.stride[i] = s;
      }
    }
  }
  return g;
}

function checkLength(data: Float32Array, need: number, what: string): void {
  if (data.length < need)
    throw new RangeError(`${what} output holds ${data.length} values, its shape needs ${need}`);
}

/** Ultralytics YOLOv8 / YOLO11: [1, 4+nc, N], channel-first. */
export function decodeYolov8(
  data: Float32Array,
  numClasses: number,
  n: number,
  confidence: number,
  out: Candidates,
): void {
  checkLength(data, (4 + numClasses) * n, 'yolov8');
  out.ensure(n);
  out.reset();
  const best = out.bestScore;
  const bestCls = out.bestClass;
  // Class-major passes read the output sequentially (84 × 8400 strided reads are far slower).
  best.set(data.subarray(4 * n, 5 * n));
  bestCls.fill(0, 0, n);
  for (let c = 1; c < numClasses; c++) {
    const row = (4 + c) * n;
    for (let i = 0; i < n; i++) {
      const v = data[row + i]!;
      if (v > best[i]!) {
        best[i] = v;
        bestCls[i] = c;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const score = best[i]!;
    if (!(score >= confidence)) continue;
    const cx = data[i]!;
    const cy = data[n + i]!;
    const hw = data[2 * n + i]! / 2;
    const hh = data[3 * n + i]! / 2;
    out.push(cx - hw, cy - hh, cx + hw, cy + hh, score, bestCls[i]!);
  }
}

/** YOLOv5 / YOLOX: [1, N, 5+nc], row-major; `grid` set for raw YOLOX outputs. */
export function decodeYolov5(
  data: Float32Array,
  numClasses: number,
  n: number,
  confidence: number,
  out: Candidates,
  grid: Grid | null = null,
): void {
  const cols = 5 + numClasses;
  checkLength(data, cols * n, 'yolov5');
  if (grid && grid.stride.length !== n)
    throw new RangeError(
      `raw yolox output has ${n} rows but the grid has ${grid.stride.length} cells`,
    );
  out.ensure(n);
  out.reset();
  for (let i = 0; i < n; i++) {
    const r = i * cols;
    const obj = data[r + 4]!;
    if (!(obj >= confidence)) continue;
    let best = data[r + 5]!;
    let cls = 0;
    for (let c = 1; c < numClasses; c++) {
      const v = data[r + 5 + c]!;
      if (v > best) {
        best = v;
        cls = c;
      }
    }
    const score = obj * best;
    if (!(score >= confidence)) continue;
    let cx = data[r]!;
    let cy = data[r + 1]!;
    let w = data[r + 2]!;
    let h = data[r + 3]!;
    if (grid) {
      const s = grid.stride[i]!;
      cx = (cx + grid.gx[i]!) * s;
      cy = (cy + grid.gy[i]!) * s;
      w = Math.exp(w) * s;
      h = Math.exp(h) * s;
    }
    out.push(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, cls);
  }
}

/** End-to-end (NMS-free): [1, K, C≥6], columns x1, y1, x2, y2, score, class. */
export function decodeEnd2end(
  data: Float32Array,
  k: number,
  cols: number,
  confidence: number,
  out: Candidates,
): void {
  checkLength(data, cols * k, 'end2end');
  out.ensure(k);
  out.reset();
  for (let i = 0; i < k; i++) {
    const r = i * cols;
    const score = data[r + 4]!;
    if (!(score >= confidence)) continue;
    const cls = Math.round(data[r + 5]!);
    if (cls < 0) continue;
    out.push(data[r]!, data[r + 1]!, data[r + 2]!, data[r + 3]!, score, cls);
  }
}

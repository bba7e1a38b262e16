/**
 * Output layout detection (docs/models.md, "How the layout is detected"). The rules, in order:
 *
 * 1. The detection output is the first output of rank 3 whose batch dimension is 1.
 * 2. A `models.layout` override other than `auto` wins; the shapes are only checked for fit.
 * 3. [1, K, 6] → end2end when metadata `end2end` is True (Ultralytics NMS-free exports) or K is
 *    not an anchor count for the input size (1 or 3 per grid cell at strides 8/16/32, or 8..64).
 * 4. With `nc` classes known from the metadata `names`: [1, 4+nc, N] → yolov8; [1, N, 5+nc] → yolov5 family.
 * 5. By shape: [1, C, N] with 5 ≤ C < N → yolov8; [1, N, C] with N > C ≥ 6 → yolov5 family.
 * 6. In the yolov5 family, N equal to one anchor per grid cell at strides 8/16/32 → yolox
 *    (YOLOv5 has three per cell). A yolox output still needs grid decoding unless it looks
 *    decoded: metadata `decode_in_inference` decides if present, else the warm-up output does
 *    (decoded when some cx > input width / 4 or some cy > input height / 4; raw YOLOX outputs
 *    are cell offsets near 0..1).
 */
import { AdelineError } from '../domain/errors.js';

export type Layout = 'yolov8' | 'yolov5' | 'yolox' | 'end2end';
export type LayoutOption = 'auto' | Layout;
export const LAYOUT_OPTIONS: readonly LayoutOption[] = [
  'auto',
  'yolov8',
  'yolov5',
  'yolox',
  'end2end',
];
export const STRIDES = [8, 16, 32] as const;

export interface OutputShape {
  name: string;
  type: string;
  /** Concrete dimensions, from the warm-up run. */
  dims: readonly number[];
}

export interface LayoutPlan {
  layout: Layout;
  source: 'detected' | 'config';
  outputIndex: number;
  outputName: string;
  /** Number of classes, null for end2end (the class is a value, not a channel). */
  numClasses: number | null;
  /** Candidate rows (anchors) in the output, or K for end2end. */
  candidates: number;
  /** yolox only: the output holds raw grid offsets and log sizes that need stride decoding. */
  gridDecode: boolean;
}

/** Grid cells over strides 8, 16, 32 for an input of width × height. */
export function gridCells(width: number, height: number): number {
  let n = 0;
  for (const s of STRIDES) n += Math.floor(width / s) * Math.floor(height / s);
  return n;
}

const LAYOUT_HELP =
  'Known layouts: yolov8 [1, 4+nc, N] (Ultralytics YOLOv8/YOLO11: cx,cy,w,h + class scores); ' +
  'yolov5 / yolox [1, N, 5+nc] (cx,cy,w,h,objectness + class scores); ' +
  'end2end [1, K, 6] (x1,y1,x2,y2,score,class, NMS-free). ' +
  'If the model is one of these, set models.layout (auto|yolov8|yolov5|yolox|end2end); see docs/models.md';

function describeOutputs(outputs: readonly OutputShape[]): string {
  return outputs.map((o) => `${o.name} ${o.type} [${o.dims.join(', ')}]`).join('; ') || 'none';
}

function layoutError(
  modelPath: string,
  outputs: readonly OutputShape[],
  why: string,
): AdelineError {
  return new AdelineError(
    'ADELINE_ERR_MODEL_LAYOUT',
    `model ${modelPath}: ${why}. Outputs found: ${describeOutputs(outputs)}. ${LAYOUT_HELP}`,
    { details: { outputs: outputs.map((o) => ({ name: o.name, dims: [...o.dims] })) } },
  );
}

function truthy(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no'].includes(s)) return false;
  return null;
}

/** Whether a [1, N, 5+nc] output already holds pixel boxes (see rule 6). */
export function looksDecoded(
  data: Float32Array,
  dims: readonly number[],
  inputWidth: number,
  inputHeight: number,
): boolean {
  const n = dims[1]!;
  const c = dims[2]!;
  let maxX = 0;
  let maxY = 0;
  for (let i = 0; i < n; i++) {
    const x = Math.abs(data[i * c]!);
    const y = Math.abs(data[i * c + 1]!);
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return maxX > inputWidth / 4 || maxY > inputHeight / 4;
}

export interface DetectLayoutArgs {
  modelPath: string;
  outputs: readonly OutputShape[];
  inputWidth: number;
  inputHeight: number;
  metadata: Readonly<Record<string, string>>;
  /** Number of names in the metadata, when present. */
  metadataClasses: number | null;
  option: LayoutOption;
  /** The warm-up output of the chosen output, for the yolox decoded/raw rule. */
  warmup: (outputIndex: number) => Float32Array;
}

export function detectLayout(a: DetectLayoutArgs): LayoutPlan {
  const idx = a.outputs.findIndex((o) => o.dims.length === 3 && o.dims[0] === 1);
  if (idx < 0)
    throw layoutError(
      a.modelPath,
      a.outputs,
      'no output has the rank-3 shape [1, A, B] of a detector',
    );
  const out = a.outputs[idx]!;
  const d1 = out.dims[1]!;
  const d2 = out.dims[2]!;
  const cells = gridCells(a.inputWidth, a.inputHeight);
  const cellsP6 = cells + Math.floor(a.inputWidth / 64) * Math.floor(a.inputHeight / 64);
  const isAnchorCount = (n: number): boolean =>
    n === cells || n === 3 * cells || n === cellsP6 || n === 3 * cellsP6;
  const base = { outputIndex: idx, outputName: out.name, gridDecode: false };
  const source = a.option === 'auto' ? 'detected' : 'config';

  const v8 = (): LayoutPlan => {
    if (d1 < 5)
      throw layoutError(
        a.modelPath,
        a.outputs,
        `layout yolov8 needs [1, 4+nc, N] with 4+nc >= 5, got [1, ${d1}, ${d2}]`,
      );
    return { ...base, layout: 'yolov8', source, numClasses: d1 - 4, candidates: d2 };
  };
  const e2e = (): LayoutPlan => {
    if (d2 < 6)
      throw layoutError(
        a.modelPath,
        a.outputs,
        `layout end2end needs [1, K, 6], got [1, ${d1}, ${d2}]`,
      );
    return { ...base, layout: 'end2end', source, numClasses: null, candidates: d1 };
  };
  const v5family = (layout: 'yolov5' | 'yolox'): LayoutPlan => {
    if (d2 < 6)
      throw layoutError(
        a.modelPath,
        a.outputs,
        `layout ${layout} needs [1, N, 5+nc] with 5+nc >= 6, got [1, ${d1}, ${d2}]`,
      );
    const plan: LayoutPlan = { ...base, layout, source, numClasses: d2 - 5, candidates: d1 };
    if (layout === 'yolox') {
      const meta = truthy(a.metadata.decode_in_inference);
      const raw =
        meta !== null
          ? !meta
          : d1 === cells && !looksDecoded(a.warmup(idx), out.dims, a.inputWidth, a.inputHeight);
      if (raw && d1 !== cells) {
        throw layoutError(
          a.modelPath,
          a.outputs,
          `a raw yolox output needs one row per grid cell at strides 8/16/32 (${cells} for ${a.inputWidth}x${a.inputHeight}), got ${d1}`,
        );
      }
      plan.gridDecode = raw;
    }
    return plan;
  };

  switch (a.option) {
    case 'yolov8':
      return v8();
    case 'yolov5':
      return v5family('yolov5');
    case 'yolox':
      return v5family('yolox');
    case 'end2end':
      return e2e();
    case 'auto':
      break;
  }
  const family = (): LayoutPlan => v5family(d1 === cells ? 'yolox' : 'yolov5');
  if (truthy(a.metadata.end2end) === true && d2 === 6) return e2e();
  if (d2 === 6 && !isAnchorCount(d1)) return e2e();
  const nc = a.metadataClasses;
  if (nc !== null && nc > 0) {
    if (d1 === 4 + nc) return v8();
    if (d2 === 5 + nc) return family();
  }
  if (d1 >= 5 && d1 < d2) return v8();
  if (d2 >= 6 && d1 > d2) return family();
  throw layoutError(
    a.modelPath,
    a.outputs,
    `output ${out.name} [1, ${d1}, ${d2}] matches no known layout`,
  );
}

/**
 * What Adeline knows about a model: file facts, the input, the outputs, the layout and the class
 * names. The checks here turn every way a model file can be wrong into one AdelineError that
 * names the path and the fix.
 */
import { basename } from 'node:path';
import { stat, access, constants } from 'node:fs/promises';
import { AdelineError } from '../domain/errors.js';
import { printable } from '../domain/printable.js';
import type { ClassNamesSource } from './class-names.js';
import type { Layout } from './layout.js';
import type { ResolvedPreprocess } from './preprocess-derive.js';
import { OnnxFormatError, readOnnxHeader, type OnnxHeader, type OnnxOpset } from './onnx-header.js';
import type { ValueInfo } from './worker-protocol.js';

export interface OutputInfo {
  name: string;
  type: string;
  /** Declared shape; strings are symbolic dimensions. */
  shape: Array<number | string>;
  /** Concrete shape seen on the warm-up run at the input size used. */
  dims: number[];
}

export interface ModelInfo {
  path: string;
  /** File name, e.g. yolo11n.onnx. */
  name: string;
  fileBytes: number;
  irVersion: number;
  /** producer_name and producer_version, e.g. "pytorch 2.1.0". */
  producer: string;
  opsets: OnnxOpset[];
  inputName: string;
  inputType: string;
  inputShape: Array<number | string>;
  inputWidth: number;
  inputHeight: number;
  /** The input has symbolic height/width; models.imgsz was used. */
  dynamicInput: boolean;
  outputs: OutputInfo[];
  /** The output the decoder reads. */
  outputName: string;
  layout: Layout;
  layoutSource: 'detected' | 'config';
  /** yolox outputs that still need grid/stride decoding. */
  gridDecode: boolean;
  /** Class channels in the output (null for end2end, where the class is a value). */
  numClasses: number | null;
  /** Candidate rows (anchors) per frame, or K for end2end. */
  candidates: number;
  classNames: string[];
  classNamesSource: ClassNamesSource;
  /** ONNX metadata_props (Ultralytics: names, imgsz, stride, task, ...). */
  metadata: Record<string, string>;
  /** How frames become the input tensor: derived (models.preprocess auto) or set by config. */
  preprocess: ResolvedPreprocess;
}

const CHECK_HINT =
  'check the file with `python3 -c "import onnx; onnx.checker.check_model(\'FILE\')"` (Debian: python3-onnx) ' +
  'and re-export it (Ultralytics: yolo export format=onnx)';

/** `why` is often ONNX Runtime's text, which quotes bytes from the file: escaped (printable.ts). */
export function formatError(path: string, why: string, cause?: unknown): AdelineError {
  return new AdelineError(
    'ADELINE_ERR_MODEL_FORMAT',
    `model ${path} is not a usable ONNX model: ${printable(why)}; ${CHECK_HINT.replaceAll('FILE', path)}`,
    {
      cause,
    },
  );
}

/** Checks that the model file exists and can be read; returns its size. */
export async function checkModelFile(path: string): Promise<number> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) {
      throw new AdelineError(
        'ADELINE_ERR_MODEL_UNREADABLE',
        `model ${path} is a directory, not an .onnx file; point models.local_path (--model) at the file inside it`,
      );
    }
    if (!st.isFile())
      throw new AdelineError(
        'ADELINE_ERR_MODEL_UNREADABLE',
        `model ${path} is not a regular file; point models.local_path (--model) at an .onnx file`,
      );
    size = st.size;
    await access(path, constants.R_OK);
  } catch (err) {
    if (err instanceof AdelineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AdelineError(
        'ADELINE_ERR_MODEL_NOT_FOUND',
        `model ${path} does not exist; set models.local_path (or --model) to an .onnx file`,
        { cause: err },
      );
    }
    throw new AdelineError(
      'ADELINE_ERR_MODEL_UNREADABLE',
      `model ${path} cannot be read (${code ?? 'error'}); check its permissions (chmod a+r) and the path`,
      {
        cause: err,
      },
    );
  }
  return size;
}

/** Reads the ModelProto header; a file that is not one is ADELINE_ERR_MODEL_FORMAT. */
export async function readModelHeader(path: string): Promise<OnnxHeader> {
  try {
    return await readOnnxHeader(path);
  } catch (err) {
    if (err instanceof OnnxFormatError) throw formatError(path, err.message, err);
    const code = (err as NodeJS.ErrnoException).code;
    throw new AdelineError(
      'ADELINE_ERR_MODEL_UNREADABLE',
      `model ${path} cannot be read (${code ?? (err as Error).message}); check its permissions and the path`,
      {
        cause: err,
      },
    );
  }
}

export interface InputPlan {
  name: string;
  type: string;
  shape: Array<number | string>;
  width: number;
  height: number;
  dynamic: boolean;
}

/** Picks the image input [1, 3, H, W]; symbolic H/W take `imgsz`. */
export function planInput(path: string, inputs: readonly ValueInfo[], imgsz: number): InputPlan {
  if (inputs.length !== 1) {
    throw formatError(
      path,
      `it has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}) but Adeline feeds one image tensor [1, 3, H, W]`,
    );
  }
  const inp = inputs[0]!;
  if (inp.type !== 'float32') {
    throw formatError(
      path,
      `input ${inp.name} is ${inp.type}; Adeline feeds float32 (export without half precision or int8 input)`,
    );
  }
  const s = inp.shape;
  const fits =
    s.length === 4 &&
    (s[0] === 1 || typeof s[0] === 'string') &&
    (s[1] === 3 || typeof s[1] === 'string');
  if (!fits)
    throw formatError(
      path,
      `input ${inp.name} has shape [${s.join(', ')}], not an RGB image [1, 3, H, W]`,
    );
  const h = s[2];
  const w = s[3];
  const dynamic = typeof h !== 'number' || typeof w !== 'number' || h <= 0 || w <= 0;
  return {
    name: inp.name,
    type: inp.type,
    shape: [...s],
    width: dynamic ? imgsz : w,
    height: dynamic ? imgsz : h,
    dynamic,
  };
}

export function modelName(path: string): string {
  return basename(path);
}

/**
 * The cheap checks of a model file (exists, readable, an ONNX header), for callers that want a
 * bad path to fail before they start anything else; loading does them again.
 */
export async function precheckModelFile(path: string): Promise<void> {
  await checkModelFile(path);
  await readModelHeader(path);
}

/**
 * The models the suite runs: the bundled demo detector (when it exists), a generated model with
 * YOLOv8n's size and I/O contract, and a small-input model for the 20,000-frame soak.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from '../../test/helpers/processes.js';
import { writeModel, yolov8nSizedModel } from '../../test/fixtures/onnx-models.js';
import { inspectModelFile } from '../../src/inference/inspect.js';

export interface BenchModel {
  /** Short key used in results.json. */
  key: 'demo' | 'yolov8n' | 'soak';
  label: string;
  path: string;
  input: string;
  output: string;
}

export const DEMO_MODEL_PATH = join(REPO_ROOT, 'models', 'adeline-demo.onnx');

/** The demo model, or null when models/adeline-demo.onnx does not exist (yet) or does not load. */
export async function demoModel(): Promise<BenchModel | null> {
  if (!existsSync(DEMO_MODEL_PATH) || statSync(DEMO_MODEL_PATH).size === 0) return null;
  const info = await inspectModelFile(DEMO_MODEL_PATH).catch(() => null);
  if (!info) return null;
  const out = info.outputs.find((o) => o.name === info.outputName);
  return {
    key: 'demo',
    label: 'demo (models/adeline-demo.onnx)',
    path: DEMO_MODEL_PATH,
    input: `[${info.inputShape.join(',')}]`,
    output: `[${(out?.dims ?? []).join(',')}]`,
  };
}

/** Generates the YOLOv8n-sized model (about 8.2 GFLOPs at 640; weights do not matter for timing). */
export function yolov8nModel(dir = tempDir('adeline-bench-models-')): BenchModel {
  const path = writeModel(
    dir,
    'yolov8n-sized-640.onnx',
    yolov8nSizedModel({ imgsz: 640, classes: 80 }),
  );
  return {
    key: 'yolov8n',
    label: 'YOLOv8n-sized (generated)',
    path,
    input: '[1,3,640,640]',
    output: '[1,84,8400]',
  };
}

/** The soak model: the same graph at a 64-pixel input, so 20,000 frames fit the time budget. */
export function soakModel(dir = tempDir('adeline-bench-models-')): BenchModel {
  const path = writeModel(
    dir,
    'yolov8n-sized-64.onnx',
    yolov8nSizedModel({ imgsz: 64, classes: 2 }),
  );
  return {
    key: 'soak',
    label: 'YOLOv8n-sized graph at 64 px (generated)',
    path,
    input: '[1,3,64,64]',
    output: '[1,6,84]',
  };
}

/** InferenceEngine options for the bundled demo model (models/adeline-demo.onnx) at its 320 input. */
import { join } from 'node:path';
import type { EngineOptions } from '../../src/inference/index.js';
import { REPO_ROOT } from './processes.js';

export const DEMO_MODEL = join(REPO_ROOT, 'models', 'adeline-demo.onnx');

export function demoEngineOptions(extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    modelPath: DEMO_MODEL,
    layout: 'auto',
    labelsFile: null,
    intraOpThreads: 2,
    imgsz: 320,
    confidence: 0.25,
    iouThreshold: 0.45,
    poolSize: 2,
    ...extra,
  };
}

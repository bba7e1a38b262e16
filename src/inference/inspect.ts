/** `adeline model info`: loads the model as `run` would (same checks, same errors) and reports it. */
import { InferenceEngine } from './engine.js';
import type { LayoutOption } from './layout.js';
import type { ModelInfo } from './model-info.js';
import type { PreprocessOptions } from './preprocess-derive.js';

export interface InspectOptions {
  layout?: LayoutOption;
  labelsFile?: string | null;
  /** Input size for dynamic-input models (default 320, the models.imgsz default). */
  imgsz?: number;
  intraOpThreads?: number;
  /** models.preprocess (default: every field auto). */
  preprocess?: PreprocessOptions;
}

export async function inspectModelFile(
  path: string,
  opts: InspectOptions = {},
): Promise<ModelInfo> {
  const engine = await InferenceEngine.open({
    modelPath: path,
    layout: opts.layout ?? 'auto',
    labelsFile: opts.labelsFile ?? null,
    intraOpThreads: opts.intraOpThreads ?? 1,
    imgsz: opts.imgsz ?? 320,
    ...(opts.preprocess ? { preprocess: opts.preprocess } : {}),
    confidence: 0.25,
    iouThreshold: 0.45,
    poolSize: 1,
    quiet: true,
  });
  try {
    return engine.info;
  } finally {
    await engine.close();
  }
}

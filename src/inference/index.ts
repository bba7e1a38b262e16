/** The inference module's public API (docs/models.md). Only this folder imports onnxruntime-node. */
export {
  InferenceEngine,
  PreparedInput,
  type EngineOptions,
  type RawOutput,
  type FaultSpec,
  PreparedFrame,
  type FrameDetections,
} from './engine.js';
export type { ModelInfo, OutputInfo } from './model-info.js';
export { precheckModelFile } from './model-info.js';
export { formatModelInfo } from './model-info-format.js';
export { inspectModelFile, type InspectOptions } from './inspect.js';
export { LAYOUT_OPTIONS, type Layout, type LayoutOption } from './layout.js';
export {
  Letterboxer,
  letterboxGeometry,
  mapBoxToFrame,
  PAD_VALUE,
  type LetterboxTransform,
} from './letterbox.js';
export { resolveIntraOpThreads } from './session-options.js';
export {
  preprocess,
  inputGeometry,
  ResampleCache,
  type BoxMapping,
  type RgbFrame,
  type InputTensor,
} from './preprocess.js';
export {
  ULTRALYTICS_PREPROCESS,
  YOLOX_PREPROCESS,
  describePreprocess,
  validatePreprocessSpec,
  type PreprocessSpec,
  type ChannelOrder,
  type ResizeMode,
  type PadPosition,
} from './preprocess-spec.js';
export {
  AUTO_PREPROCESS,
  derivePreprocess,
  preprocessOptionsFromConfig,
  type PreprocessOptions,
  type ResolvedPreprocess,
} from './preprocess-derive.js';

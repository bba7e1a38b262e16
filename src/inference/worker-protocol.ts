/**
 * Messages between the InferenceEngine (main thread) and the inference worker. Buffers cross as
 * transferred ArrayBuffers and come back with the answer:
 * - `run`: a prepared input tensor in, the raw output out (prepare/infer/decode on the main thread);
 * - `detect`: an RGB24 frame in, detections out; preprocessing, inference and decode+NMS all run
 *   in the worker, with the model settings of the last `configure` (the pipeline's path).
 */
import type { Detection } from '../domain/detection.js';
import type { Roi } from '../domain/roi.js';
import type { ModelInfo } from './model-info.js';
import type { InferencePriority, PriorityOutcome } from './thread-priority.js';

/** A simulated failure of the real worker, for resilience tests (ADELINE_TEST_FAULTS=1 only). */
export type FaultKind = 'crash' | 'hang' | 'error';

export interface FaultSpec {
  kind: FaultKind;
  /** How many runs fail this way; default: every run until cleared with setFault(null). */
  count?: number;
}

export interface InitMessage {
  type: 'init';
  modelPath: string;
  intraOpThreads: number;
  /** models.inference_priority, applied by the worker to itself before the session exists. */
  priority: InferencePriority;
}

export interface RunMessage {
  type: 'run';
  id: number;
  input: ArrayBuffer;
  dims: number[];
  /** Output names to compute; null for all of them. */
  fetch: string[] | null;
  /** Output buffers the main thread is done with, for the worker to write later outputs into. */
  recycle: RecycledOutput[];
  /** When set, the worker fails this run on purpose (test faults only). */
  fault?: FaultKind;
}

export interface RecycledOutput {
  name: string;
  buffer: ArrayBuffer;
}

/** What the worker needs to preprocess and decode on its own (sent after init, again on restart). */
export interface DetectConfig {
  info: ModelInfo;
  confidence: number;
  iouThreshold: number;
  maxDetections?: number;
}

export interface ConfigureMessage {
  type: 'configure';
  detect: DetectConfig;
}

export interface DetectMessage {
  type: 'detect';
  id: number;
  /** RGB24 pixels, width · height · 3 bytes from offset 0 (the buffer may be larger). */
  frame: ArrayBuffer;
  width: number;
  height: number;
  roi: Roi | null;
  fault?: FaultKind;
}

export type ToWorker = InitMessage | RunMessage | ConfigureMessage | DetectMessage;

export interface ValueInfo {
  name: string;
  /** Element type as ONNX Runtime names it (float32, float16, ...), or 'non-tensor'. */
  type: string;
  /** Declared shape; strings are symbolic dimensions, [] when unknown. */
  shape: Array<number | string>;
}

export interface ReadyMessage {
  type: 'ready';
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  priority: PriorityOutcome;
}

export interface LoadFailedMessage {
  type: 'load-failed';
  message: string;
}

export interface ResultMessage {
  type: 'result';
  id: number;
  input: ArrayBuffer;
  /** One entry per fetched output, in the order asked (model output order when all). */
  outputs: Array<{ name: string; data: Float32Array; dims: number[] }>;
  /** Epoch milliseconds (performance.timeOrigin + performance.now()) inside the worker. */
  startMs: number;
  endMs: number;
}

export interface RunFailedMessage {
  type: 'run-failed';
  id: number;
  input: ArrayBuffer;
  message: string;
}

export interface DetectedMessage {
  type: 'detected';
  id: number;
  /** The frame buffer, back for reuse. */
  input: ArrayBuffer;
  detections: Detection[];
  /** Epoch milliseconds in the worker: preprocess start, session.run start and end, decode end. */
  preprocessStartMs: number;
  startMs: number;
  endMs: number;
  postprocessEndMs: number;
}

export type FromWorker =
  ReadyMessage | LoadFailedMessage | ResultMessage | DetectedMessage | RunFailedMessage;

/**
 * Messages between the InferenceEngine (main thread) and the inference worker. Tensors cross as
 * transferred ArrayBuffers: the input goes to the worker and comes back with the output.
 */

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

export type ToWorker = InitMessage | RunMessage;

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

export type FromWorker = ReadyMessage | LoadFailedMessage | ResultMessage | RunFailedMessage;

/**
 * Checks InferenceEngine.open() options at the API edge: wrong types throw TypeError, values out
 * of range throw RangeError, each naming the option and its allowed range (STYLE.md 9).
 */
import type { LayoutOption } from './layout.js';
import { validatePreprocessOptions, type PreprocessOptions } from './preprocess-derive.js';
import { INFERENCE_PRIORITIES, type InferencePriority } from './thread-priority.js';
import type { FaultSpec } from './worker-protocol.js';

export interface EngineOptions {
  modelPath: string;
  layout: LayoutOption;
  labelsFile: string | null;
  intraOpThreads: number;
  /** models.inference_priority: the inference thread's scheduling policy; default normal. */
  inferencePriority?: InferencePriority;
  /** Input size for models with a dynamic input (models.imgsz); a fixed input size wins. */
  imgsz: number;
  /** models.preprocess, field by field ('auto' = derive from the model); default all auto. */
  preprocess?: PreprocessOptions;
  confidence: number;
  iouThreshold: number;
  /** Input tensors that can be prepared or in flight at once. */
  poolSize: number;
  /** Default timeout of one run, milliseconds; 0 = none (infer() can set its own). */
  inferTimeoutMs?: number;
  /** Most detections per frame after NMS (default 300). */
  maxDetections?: number;
  /** Simulated worker failures; honoured only when ADELINE_TEST_FAULTS=1. */
  faultInjection?: FaultSpec | null;
  /** Skip the model_loaded / model_imgsz_overridden log lines (`adeline model info`). */
  quiet?: boolean;
}

interface Checked {
  modelPath: unknown;
  layout: unknown;
  labelsFile: unknown;
  intraOpThreads: unknown;
  inferencePriority?: unknown;
  imgsz: unknown;
  preprocess?: unknown;
  confidence: unknown;
  iouThreshold: unknown;
  poolSize: unknown;
  inferTimeoutMs?: unknown;
  maxDetections?: unknown;
  faultInjection?: unknown;
}

function int(name: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new RangeError(`${name} must be an integer within ${lo}..${hi}, got ${v}`);
}

function prob(name: string, v: unknown): void {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be within 0..1, got ${v}`);
}

export function validateEngineOptions(o: Checked, layouts: readonly LayoutOption[]): void {
  if (typeof o !== 'object' || o === null)
    throw new TypeError('InferenceEngine.open() takes an options object');
  if (typeof o.modelPath !== 'string' || o.modelPath.length === 0)
    throw new TypeError('modelPath must be a non-empty string (the .onnx file)');
  if (typeof o.layout !== 'string' || !(layouts as readonly string[]).includes(o.layout)) {
    throw new RangeError(`layout must be one of ${layouts.join(', ')}, got ${String(o.layout)}`);
  }
  if (o.labelsFile !== null && (typeof o.labelsFile !== 'string' || o.labelsFile.length === 0)) {
    throw new TypeError('labelsFile must be null or a non-empty path');
  }
  int('intraOpThreads', o.intraOpThreads, 1, 64);
  if (
    o.inferencePriority !== undefined &&
    !(INFERENCE_PRIORITIES as readonly unknown[]).includes(o.inferencePriority)
  )
    throw new RangeError(
      `inferencePriority must be one of ${INFERENCE_PRIORITIES.join(', ')}, got ${String(o.inferencePriority)}`,
    );
  int('imgsz', o.imgsz, 32, 4096);
  if (o.preprocess !== undefined) validatePreprocessOptions(o.preprocess as PreprocessOptions);
  prob('confidence', o.confidence);
  prob('iouThreshold', o.iouThreshold);
  int('poolSize', o.poolSize, 1, 64);
  if (o.inferTimeoutMs !== undefined) int('inferTimeoutMs', o.inferTimeoutMs, 0, 3_600_000);
  if (o.maxDetections !== undefined) int('maxDetections', o.maxDetections, 1, 100_000);
  if (o.faultInjection !== undefined && o.faultInjection !== null) validateFault(o.faultInjection);
}

export function validateFault(spec: unknown): void {
  const f = spec as { kind?: unknown; count?: unknown };
  if (typeof f !== 'object' || f === null)
    throw new TypeError('a fault spec is an object { kind, count? }');
  if (!['crash', 'hang', 'error'].includes(f.kind as string))
    throw new RangeError(`fault kind must be crash, hang or error, got ${String(f.kind)}`);
  if (f.count !== undefined) int('fault count', f.count, 1, 1_000_000);
}

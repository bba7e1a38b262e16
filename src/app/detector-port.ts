/**
 * The pipeline's detector, built from the inference engine: with the stages in the worker
 * (pipeline.worker_stages true, or auto for a large model input) preprocessing, inference and
 * decode+NMS run in the inference worker and prepare() is a copy of the frame; otherwise the main
 * thread letterboxes and decodes around the worker's run.
 */
import {
  PreparedFrame,
  PreparedInput,
  type FrameDetections,
  type InferenceEngine,
  type RawOutput,
} from '../inference/index.js';
import type { DetectorPort } from '../pipeline/ports.js';

export type AnyPrepared = PreparedInput | PreparedFrame;
export type AnyRaw = RawOutput | FrameDetections;

const asFrame = (p: AnyPrepared): PreparedFrame => {
  if (!(p instanceof PreparedFrame)) throw new TypeError('expected a PreparedFrame');
  return p;
};
const asInput = (p: AnyPrepared): PreparedInput => {
  if (!(p instanceof PreparedInput)) throw new TypeError('expected a PreparedInput');
  return p;
};

/** pipeline.worker_stages auto: inputs of at least this side squared, in pixels, go to the worker. */
const WORKER_STAGES_MIN_SIDE = 512;
export const WORKER_STAGES_MIN_INPUT_PIXELS = WORKER_STAGES_MIN_SIDE ** 2;

/** Where pipeline.worker_stages puts preprocessing and decode+NMS for a model of this input size. */
export function resolveWorkerStages(
  setting: boolean | 'auto',
  input: { width: number; height: number },
): { inWorker: boolean; reason: string } {
  if (setting !== 'auto')
    return { inWorker: setting, reason: `pipeline.worker_stages is ${String(setting)}` };
  const px = input.width * input.height;
  const inWorker = px >= WORKER_STAGES_MIN_INPUT_PIXELS;
  return {
    inWorker,
    reason: `auto: model input ${input.width}x${input.height} is ${inWorker ? 'at least' : 'under'} ${WORKER_STAGES_MIN_SIDE}x${WORKER_STAGES_MIN_SIDE} pixels`,
  };
}

export function detectorPort(
  engine: InferenceEngine,
  workerStages: boolean,
): DetectorPort<AnyPrepared, AnyRaw> {
  const modelName = engine.info.name;
  if (workerStages) {
    return {
      modelName,
      stagesInWorker: true,
      prepare: (d, w, h, r) => engine.prepareFrame(d, w, h, r),
      infer: (p, signal) => engine.detect(asFrame(p), signal ? { signal } : {}),
      decode: (r) => (r as FrameDetections).detections,
      discard: (p) => engine.releaseFrame(asFrame(p)),
    };
  }
  return {
    modelName,
    prepare: (d, w, h, r) => engine.prepare(d, w, h, r),
    infer: (p, signal) => engine.infer(asInput(p), signal ? { signal } : {}),
    decode: (r, p) => engine.decode(r as RawOutput, asInput(p)),
    discard: (p) => engine.release(asInput(p)),
  };
}

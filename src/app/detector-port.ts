/**
 * The pipeline's detector, built from the inference engine: with pipeline.worker_stages (the
 * default) preprocessing, inference and decode+NMS run in the inference worker and prepare() is a
 * copy of the frame; without it the main thread letterboxes and decodes around the worker's run.
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

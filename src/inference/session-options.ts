/**
 * The ONNX Runtime session options of the inference worker (bench/ runs its bare baseline loop
 * with them too).
 *
 * Intra-op spinning is off. By default ONNX Runtime's pool threads busy-wait for work after every
 * run; in the service they share the cores with the main thread (letterbox, decode, telemetry,
 * MQTT) and with ffmpeg, which then wait for them. On the 2-core machine, spinning doubled the CPU
 * time per inference of the demo model and cost a third of the pipeline's frames/s
 * (docs/benchmarks.md).
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';

/** models.intra_op_threads resolved: 0 means one less than the cores, at least 1. */
export function resolveIntraOpThreads(
  requested: number,
  cores: number = availableParallelism(),
): number {
  return requested > 0 ? requested : Math.max(1, cores - 1);
}

export function sessionOptions(intraOpThreads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** What prepare() and infer() hand to the pipeline. */
import type { LetterboxTransform } from './letterbox.js';
import type { TensorSlot } from './tensor-pool.js';

/** A frame letterboxed into a pooled input tensor, with the transform back to frame pixels. */
export class PreparedInput {
  /** @internal */ consumed = false;
  /** @internal */ constructor(
    readonly slot: TensorSlot,
    readonly transform: LetterboxTransform,
    readonly dims: readonly number[],
  ) {}

  /** The [1, 3, H, W] tensor data (detached while it is in the worker). */
  get tensor(): Float32Array {
    return this.slot.data;
  }
}

export interface RawOutput {
  /**
   * The detection output, as float32. decode() (or releaseOutput()) hands its buffer back to the
   * worker for reuse; after that it is detached, so read it before.
   */
  data: Float32Array;
  dims: number[];
  /** session.run time measured in the worker, milliseconds. */
  inferenceMs: number;
  /** Epoch milliseconds, measured in the worker. */
  workerStartMs: number;
  workerEndMs: number;
  /** Time from queueing the input to the worker starting it (behind earlier runs), milliseconds. */
  queueMs: number;
}

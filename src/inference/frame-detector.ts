/**
 * The pipeline's path through the inference worker: `prepareFrame` copies a frame into a pooled
 * buffer on the main thread (the only per-frame pixel work left there), `detect` transfers that
 * buffer to the worker, which preprocesses, infers and decodes+NMS (worker-detect.ts) and sends
 * the detections back with the buffer. The detections are the same as prepare → infer → decode
 * on the main thread: the same preprocess() and OutputDecoder, run in another thread.
 */
import type { Detection } from '../domain/detection.js';
import type { Roi } from '../domain/roi.js';
import { FrameBufferPool, type FrameBuffer } from './frame-buffer-pool.js';
import type { WorkerHost } from './worker-host.js';
import type { FaultKind } from './worker-protocol.js';

/** A frame copied into a pooled buffer, waiting for detect(). */
export class PreparedFrame {
  /** @internal */ consumed = false;
  /** Not used on this path (the worker maps boxes back); kept for the pipeline's PreparedLike. */
  readonly transform = null;
  /** @internal */ constructor(
    readonly buffer: FrameBuffer,
    readonly width: number,
    readonly height: number,
    readonly roi: Roi | null,
  ) {}
}

/** Detections of one frame and where the worker spent its time (epoch milliseconds). */
export interface FrameDetections {
  detections: Detection[];
  preprocessStartMs: number;
  /** session.run start and end. */
  workerStartMs: number;
  workerEndMs: number;
  postprocessEndMs: number;
  inferenceMs: number;
  /** Time from queueing the frame to the worker starting its preprocessing, milliseconds. */
  queueMs: number;
}

export class FrameDetector {
  private readonly pool: FrameBufferPool;

  constructor(
    private readonly host: WorkerHost,
    poolSize: number,
  ) {
    this.pool = new FrameBufferPool(poolSize);
  }

  prepare(data: Uint8Array, width: number, height: number, roi: Roi | null): PreparedFrame {
    if (!(data instanceof Uint8Array))
      throw new TypeError('frame data must be a Uint8Array of RGB24 pixels');
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
      throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
    const bytes = width * height * 3;
    if (data.length < bytes)
      throw new RangeError(
        `frame data holds ${data.length} bytes; ${width}x${height} RGB24 needs ${bytes}`,
      );
    const buf = this.pool.acquire(bytes);
    new Uint8Array(buf.data, 0, bytes).set(data.subarray(0, bytes));
    return new PreparedFrame(buf, width, height, roi ? { ...roi } : null);
  }

  release(input: PreparedFrame): void {
    if (input.consumed) return;
    input.consumed = true;
    this.pool.release(input.buffer, null);
  }

  async detect(
    input: PreparedFrame,
    opts: { timeoutMs: number; signal?: AbortSignal; fault?: FaultKind },
  ): Promise<FrameDetections> {
    if (!(input instanceof PreparedFrame))
      throw new TypeError('detect() takes the PreparedFrame returned by prepareFrame()');
    if (input.consumed)
      throw new TypeError('this PreparedFrame was already detected or released; prepare it again');
    input.consumed = true;
    const outcome = await this.host.detect({
      input: input.buffer.data,
      width: input.width,
      height: input.height,
      roi: input.roi,
      timeoutMs: opts.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.fault ? { fault: opts.fault } : {}),
    });
    if (!outcome.ok) {
      this.pool.release(input.buffer, outcome.input);
      throw outcome.error;
    }
    const r = outcome.result;
    this.pool.release(input.buffer, r.input);
    return {
      detections: r.detections,
      preprocessStartMs: r.preprocessStartMs,
      workerStartMs: r.startMs,
      workerEndMs: r.endMs,
      postprocessEndMs: r.postprocessEndMs,
      inferenceMs: r.endMs - r.startMs,
      queueMs: outcome.queueMs,
    };
  }
}

/**
 * InferenceEngine: the API the pipeline uses. `prepare` letterboxes a frame into a pooled tensor
 * on the main thread, `infer` runs it in the worker (FIFO, timed out, restarted on failure),
 * `decode` turns the output into detections in source-frame pixels.
 */
import type { Detection } from '../domain/detection.js';
import { AdelineError } from '../domain/errors.js';
import type { Roi } from '../domain/roi.js';
import { validateEngineOptions, validateFault, type EngineOptions } from './engine-options.js';
import { LAYOUT_OPTIONS } from './layout.js';
import { preprocess, ResampleCache } from './preprocess.js';
import { padTensorValues } from './preprocess-spec.js';
import type { ModelInfo } from './model-info.js';
import { loadModel, logInferencePriority, logModelLoaded } from './model-loader.js';
import { OutputDecoder } from './output-decoder.js';
import { OutputRecycler } from './output-recycler.js';
import { PreparedInput, type RawOutput } from './prepared-input.js';
import { TensorPool } from './tensor-pool.js';
import { FrameDetector, type FrameDetections, type PreparedFrame } from './frame-detector.js';
import type { WorkerHost } from './worker-host.js';
import type { FaultSpec } from './worker-protocol.js';

export type { EngineOptions } from './engine-options.js';
export { PreparedInput, type RawOutput } from './prepared-input.js';
export type { FaultSpec } from './worker-protocol.js';
export { PreparedFrame, type FrameDetections } from './frame-detector.js';

const faultsAllowed = (): boolean => process.env.ADELINE_TEST_FAULTS === '1';

export class InferenceEngine {
  private readonly pool: TensorPool;
  private readonly resample = new ResampleCache();
  private readonly decoder: OutputDecoder;
  private readonly recycler: OutputRecycler;
  private readonly fetch: string[];
  private readonly dims: number[];
  private readonly frames: FrameDetector;
  private probeBuffer: Float32Array | null = null;
  private fault: FaultSpec | null = null;
  private closed = false;

  private constructor(
    readonly info: ModelInfo,
    private readonly host: WorkerHost,
    private readonly opts: EngineOptions,
  ) {
    const w = info.inputWidth;
    const h = info.inputHeight;
    this.dims = [1, 3, h, w];
    this.pool = new TensorPool(opts.poolSize, 3 * w * h);
    this.decoder = new OutputDecoder(info, opts);
    this.recycler = new OutputRecycler(info.outputName);
    this.fetch = [info.outputName];
    this.frames = new FrameDetector(host, opts.poolSize);
    host.configure({
      info,
      confidence: opts.confidence,
      iouThreshold: opts.iouThreshold,
      ...(opts.maxDetections !== undefined ? { maxDetections: opts.maxDetections } : {}),
    });
    if (opts.faultInjection && faultsAllowed()) this.fault = { ...opts.faultInjection };
  }

  /** Loads the model and starts the worker; rejects with ADELINE_ERR_MODEL_* or ADELINE_ERR_LABELS. */
  static async open(opts: EngineOptions): Promise<InferenceEngine> {
    validateEngineOptions(opts, LAYOUT_OPTIONS);
    const { info, host, priority } = await loadModel(opts);
    if (!opts.quiet) {
      logModelLoaded(info, opts.imgsz);
      logInferencePriority(priority);
    }
    return new InferenceEngine(info, host, opts);
  }

  /** How many times the worker was restarted (crash, timeout or restart()). */
  get workerRestarts(): number {
    return this.host.restarts;
  }

  /** Preprocesses a frame (optionally an ROI crop of it) into a pooled tensor (info.preprocess). */
  prepare(data: Uint8Array, width: number, height: number, roi: Roi | null): PreparedInput {
    this.assertOpen();
    const slot = this.pool.acquire();
    try {
      const transform = preprocess(
        this.info.preprocess.spec,
        { data, width, height },
        roi,
        { data: slot.data, width: this.info.inputWidth, height: this.info.inputHeight },
        this.resample,
      );
      return new PreparedInput(slot, transform, this.dims);
    } catch (err) {
      this.pool.release(slot, null);
      throw err;
    }
  }

  /**
   * The pipeline's path: copies a frame into a pooled buffer for detect(). Preprocessing happens
   * in the worker, with the same preprocess() as prepare().
   */
  prepareFrame(data: Uint8Array, width: number, height: number, roi: Roi | null): PreparedFrame {
    this.assertOpen();
    return this.frames.prepare(data, width, height, roi);
  }

  /** Preprocesses, infers and decodes+NMS a prepared frame in the worker. */
  async detect(
    input: PreparedFrame,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<FrameDetections> {
    this.assertOpen();
    // A caller's signal is its timeout (the inference policy's): no second timer for the same run.
    const timeoutMs = opts.timeoutMs ?? (opts.signal ? 0 : (this.opts.inferTimeoutMs ?? 0));
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0))
      throw new RangeError(`timeoutMs must be a number >= 0, got ${timeoutMs}`);
    const fault = this.nextFault().fault;
    return this.frames.detect(input, {
      timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(fault ? { fault } : {}),
    });
  }

  /** Gives a prepared frame that will not be detected back to the pool. Idempotent. */
  releaseFrame(input: PreparedFrame): void {
    this.frames.release(input);
  }

  /** Returns a prepared input that will not be inferred to the pool. Idempotent. */
  release(input: PreparedInput): void {
    if (input.consumed) return;
    input.consumed = true;
    this.pool.release(input.slot, null);
  }

  /** Runs a prepared input in the worker; the tensor goes back to the pool either way. */
  async infer(
    input: PreparedInput,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<RawOutput> {
    if (!(input instanceof PreparedInput))
      throw new TypeError('infer() takes the PreparedInput returned by prepare()');
    if (input.consumed)
      throw new TypeError(
        'this PreparedInput was already inferred or released; prepare the frame again',
      );
    this.assertOpen();
    input.consumed = true;
    // A caller's signal is its timeout (the inference policy's): no second timer for the same run.
    const timeoutMs = opts.timeoutMs ?? (opts.signal ? 0 : (this.opts.inferTimeoutMs ?? 0));
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0))
      throw new RangeError(`timeoutMs must be a number >= 0, got ${timeoutMs}`);
    const outcome = await this.host.run({
      input: input.slot.data.buffer as ArrayBuffer,
      dims: this.dims,
      fetch: this.fetch,
      recycle: this.recycler.take(),
      timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...this.nextFault(),
    });
    if (!outcome.ok) {
      this.pool.release(input.slot, outcome.input);
      throw outcome.error;
    }
    const r = outcome.result;
    this.pool.release(input.slot, r.input);
    const out = r.outputs[0]!;
    return {
      data: out.data,
      dims: out.dims,
      inferenceMs: r.endMs - r.startMs,
      workerStartMs: r.startMs,
      workerEndMs: r.endMs,
      queueMs: outcome.queueMs,
    };
  }

  /**
   * Decodes, applies NMS and maps the boxes to source-frame pixels. Then hands the output buffer
   * back to the worker (see RawOutput.data): each RawOutput decodes once.
   */
  decode(raw: RawOutput, input: PreparedInput): Detection[] {
    if (this.recycler.has(raw.data)) {
      throw new TypeError('this RawOutput was already decoded or released; infer the frame again');
    }
    try {
      return this.decoder.decode(raw.data, raw.dims, input.transform);
    } finally {
      this.recycler.release(raw.data);
    }
  }

  /** Hands an output that will not be decoded back to the worker for reuse. Idempotent. */
  releaseOutput(raw: RawOutput): void {
    this.recycler.release(raw.data);
  }

  /** One inference on a blank input; resolves with its duration in the worker, milliseconds. */
  async probe(opts: { timeoutMs?: number } = {}): Promise<number> {
    this.assertOpen();
    const n = 3 * this.info.inputWidth * this.info.inputHeight;
    const buf =
      this.probeBuffer && this.probeBuffer.length === n ? this.probeBuffer : this.blankInput(n);
    this.probeBuffer = null;
    const outcome = await this.host.run({
      input: buf.buffer as ArrayBuffer,
      dims: this.dims,
      fetch: this.fetch,
      recycle: this.recycler.take(),
      timeoutMs: opts.timeoutMs ?? this.opts.inferTimeoutMs ?? 0,
      ...this.nextFault(),
    });
    const back = outcome.ok ? outcome.result.input : outcome.input;
    if (back) this.probeBuffer = new Float32Array(back);
    if (!outcome.ok) throw outcome.error;
    this.recycler.release(outcome.result.outputs[0]!.data);
    return outcome.result.endMs - outcome.result.startMs;
  }

  /** Terminates the worker and starts a new one (counted in workerRestarts). */
  async restart(): Promise<void> {
    this.assertOpen();
    try {
      await this.host.restart('requested');
    } catch (err) {
      throw new AdelineError(
        'ADELINE_ERR_WORKER_CRASHED',
        `the inference worker could not be restarted: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Stops the worker; pending runs are rejected. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.host.close();
  }

  /** Test hook: makes the next runs crash the worker, hang, or fail (ADELINE_TEST_FAULTS=1 only). */
  setFault(spec: FaultSpec | null): void {
    if (!faultsAllowed())
      throw new AdelineError(
        'ADELINE_ERR_USAGE',
        'fault injection needs ADELINE_TEST_FAULTS=1 in the environment (tests only)',
      );
    if (spec) validateFault(spec);
    this.fault = spec ? { ...spec } : null;
  }

  private nextFault(): { fault?: FaultSpec['kind'] } {
    const f = this.fault;
    if (!f) return {};
    if (f.count !== undefined) {
      f.count--;
      if (f.count <= 0) this.fault = null;
    }
    return { fault: f.kind };
  }

  /** A frame of padding only, in the model's units (what the model sees of an empty frame). */
  private blankInput(n: number): Float32Array {
    const buf = new Float32Array(n);
    const plane = n / 3;
    const pad = padTensorValues(this.info.preprocess.spec);
    for (let c = 0; c < 3; c++) buf.fill(pad[c]!, c * plane, (c + 1) * plane);
    return buf;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new AdelineError(
        'ADELINE_ERR_INFERENCE',
        `the inference engine for ${this.info.name} is closed`,
      );
  }
}

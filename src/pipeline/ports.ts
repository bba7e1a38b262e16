/**
 * What the frame processor needs from the stages, as narrow structural interfaces. The real
 * InferenceEngine, ROI strategy, stabiliser and data plane satisfy them; unit tests can pass
 * small fakes (pure logic only).
 */
import type { Detection } from '../domain/detection.js';
import type { FrameResult, RoiMetrics } from '../domain/frame-result.js';
import type { Frame } from '../domain/frame.js';
import type { Roi, RoiMode } from '../domain/roi.js';
import type { Stage } from '../telemetry/schema.js';

export interface PreparedLike {
  readonly transform: unknown;
}

export interface RawOutputLike {
  readonly inferenceMs: number;
  /** session.run start and end in the worker, epoch milliseconds. */
  readonly workerStartMs: number;
  readonly workerEndMs: number;
  readonly queueMs: number;
  /** Set when preprocessing and decoding ran in the worker: their start and end, epoch ms. */
  readonly preprocessStartMs?: number;
  readonly postprocessEndMs?: number;
}

export interface DetectorPort<
  P extends PreparedLike = PreparedLike,
  R extends RawOutputLike = RawOutputLike,
> {
  readonly modelName: string;
  /**
   * True when prepare() only hands the frame over (a copy) and infer() preprocesses, infers and
   * decodes in the worker, reporting each stage's times; decode() then returns what it found.
   */
  readonly stagesInWorker?: boolean;
  prepare(data: Uint8Array, width: number, height: number, roi: Roi | null): P;
  /** `signal` (from the inference policy's timeout) abandons a run that is still queued. */
  infer(input: P, signal?: AbortSignal): Promise<R>;
  decode(raw: R, input: P): Detection[];
  /** Gives a prepared input back when it will not be inferred (frame failed or dropped). */
  discard(input: P): void;
}

export interface RoiPort {
  readonly mode: RoiMode;
  roiFor(sourceId: number, width: number, height: number): Roi | null;
  update(sourceId: number, detections: readonly Detection[], width: number, height: number): void;
  roiMetrics(roi: Roi | null, width: number, height: number): RoiMetrics | null;
}

export interface StabilizerPort {
  readonly enabled: boolean;
  process(sourceId: number, detections: Detection[]): Detection[];
  activeTracks(sourceId: number): number;
}

export interface PublisherPort {
  publishFrame(result: FrameResult): Promise<{ messageId: number; spooled: boolean }>;
}

/**
 * An optional observer of processed frames (the live view). `begin` is called once per frame
 * while its pixels are still valid and must be cheap: it returns undefined (the usual case:
 * nobody looks, or the rate cap says no) or a recorder, which may have copied the pixels. The
 * recorder gets the stage timings and, after publish, the published result. Neither may throw.
 */
export interface FrameTapPort {
  begin(frame: Frame): FrameTapRecorder | undefined;
}

export interface FrameTapRecorder {
  stage(stage: Stage, ms: number): void;
  done(published: TappedResult): void;
}

export interface TappedResult {
  detections: readonly Detection[];
  /** The crop that was applied, or null. */
  roi: Roi | null;
  traceId: string;
  messageId: number;
}

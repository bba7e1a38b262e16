/**
 * Processes one frame: roi → preprocess → inference (worker) → postprocess → stabilise → publish.
 * Each frame is one trace: a root span `adeline.frame` and one child span per stage, created
 * explicitly from the frame's own context so that frames in flight at the same time never mix.
 * Logs written inside a stage run with that stage's span active, so they carry its trace_id.
 */
import {
  ROOT_CONTEXT,
  context,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { Frame } from '../domain/frame.js';
import { nowMs } from '../domain/frame.js';
import type { Detection } from '../domain/detection.js';
import type { FrameResult } from '../domain/frame-result.js';
import type { Roi } from '../domain/roi.js';
import { AdelineError, describeError, errorTypeOfUnknown } from '../domain/errors.js';
import { ATTRS, LOG_EVENTS, SPANS, type Stage } from '../telemetry/schema.js';
import { addMetric, recordMetric, setGauge } from '../telemetry/metrics.js';
import { contextWith, recordSpanError, startSpan } from '../telemetry/tracing.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import type { CallPolicy } from '../resilience/types.js';
import type {
  DetectorPort,
  FrameTapPort,
  FrameTapRecorder,
  PreparedLike,
  PublisherPort,
  RawOutputLike,
  RoiPort,
  StabilizerPort,
} from './ports.js';
import type { RunStats } from './run-stats.js';

const log = getLogger('pipeline');

export interface FrameProcessorDeps<P extends PreparedLike, R extends RawOutputLike> {
  detector: DetectorPort<P, R>;
  roi: RoiPort;
  stabilizer: StabilizerPort;
  publisher: PublisherPort;
  stats: RunStats;
  /** Inference policy (timeout + breaker); absent → call the detector directly. */
  inferencePolicy?: CallPolicy | undefined;
  /** Whether the pipeline is paused right now (recorded on the frame span). */
  isPaused: () => boolean;
  /** Optional frame observer (the live view); absent or idle costs one call per frame. */
  tap?: FrameTapPort | undefined;
}

export type FrameOutcome = 'published' | 'spooled' | 'failed';

export class FrameProcessor<P extends PreparedLike, R extends RawOutputLike> {
  constructor(private readonly deps: FrameProcessorDeps<P, R>) {}

  /** Never rejects: a failing frame is recorded (span ERROR, log, metric) and reported as failed. */
  async process(frame: Frame): Promise<FrameOutcome> {
    const { detector, roi: roiPort, stabilizer, publisher, stats } = this.deps;
    const src = { source_id: frame.sourceId };
    const root = startSpan(SPANS.frame.name, {
      root: true,
      startTime: frame.decodeStartMs,
      parent: ROOT_CONTEXT,
    });
    const rootCtx = contextWith(root, ROOT_CONTEXT);
    if (root.isRecording()) {
      root.setAttributes({
        [ATTRS.sourceId.name]: frame.sourceId,
        [ATTRS.frameSeq.name]: frame.seq,
        [ATTRS.frameWidth.name]: frame.width,
        [ATTRS.frameHeight.name]: frame.height,
        [ATTRS.model.name]: detector.modelName,
        [ATTRS.roiMode.name]: roiPort.mode,
      });
    }
    const decodeMs = frame.capturedAtMs - frame.decodeStartMs;
    const tap = this.deps.tap?.begin(frame);
    this.timed('capture', rootCtx, frame.decodeStartMs, frame.capturedAtMs, undefined, tap);
    let stage: Stage = 'roi';
    let stageSpan: Span | undefined;
    let prepared: P | undefined;
    let inferred = false;
    try {
      const roi = this.run(
        'roi',
        rootCtx,
        () => roiPort.roiFor(frame.sourceId, frame.width, frame.height),
        (s, r) => {
          if (r) s.setAttribute(ATTRS.roiCrop.name, `${r.x1},${r.y1},${r.x2},${r.y2}`);
        },
        tap,
      );
      stage = 'preprocess';
      const inWorker = detector.stagesInWorker === true;
      const queuedAt = nowMs();
      // In the worker's path prepare() is a copy of the pixels; the stage is timed in the worker.
      prepared = inWorker
        ? detector.prepare(frame.data, frame.width, frame.height, roi)
        : this.run(
            'preprocess',
            rootCtx,
            () => detector.prepare(frame.data, frame.width, frame.height, roi),
            undefined,
            tap,
          );
      frame.release(); // the pixels are in the tensor (or the worker's buffer) now
      stage = 'inference';
      const p = prepared;
      const raw = inWorker
        ? await this.inferInWorker(p, rootCtx, queuedAt, (s) => (stageSpan = s), tap)
        : await this.inferHere(p, rootCtx, (s) => (stageSpan = s));
      stageSpan = undefined;
      inferred = true;
      recordMetric('inferenceDuration', raw.inferenceMs / 1000);
      recordMetric('stageDuration', raw.inferenceMs / 1000, { stage: 'inference' });
      stats.stage('inference', raw.inferenceMs);
      tap?.stage('inference', raw.inferenceMs);
      stage = 'postprocess';
      const detections = inWorker
        ? detector.decode(raw, p)
        : this.run('postprocess', rootCtx, () => detector.decode(raw, p), undefined, tap);
      if (inWorker && raw.postprocessEndMs !== undefined)
        this.timed('postprocess', rootCtx, raw.workerEndMs, raw.postprocessEndMs, undefined, tap);
      stats.decoded(detections);
      stage = 'stabilize';
      const published = this.run(
        'stabilize',
        rootCtx,
        () => {
          const out = stabilizer.process(frame.sourceId, detections);
          roiPort.update(frame.sourceId, detections, frame.width, frame.height);
          return out;
        },
        undefined,
        tap,
      );
      if (stabilizer.enabled)
        setGauge('activeTracks', stabilizer.activeTracks(frame.sourceId), src);
      stage = 'publish';
      const result = this.result(frame, roi, published);
      const t0 = nowMs();
      stageSpan = startSpan(SPANS.publish.name, {
        parent: rootCtx,
        startTime: t0,
        attributes: { [ATTRS.messagingSystem.name]: 'mqtt' },
      });
      const sent = await context.with(contextWith(stageSpan, rootCtx), () =>
        publisher.publishFrame(result),
      );
      const t1 = nowMs();
      if (stageSpan.isRecording())
        stageSpan.setAttributes({
          [ATTRS.messageId.name]: sent.messageId,
          [ATTRS.spooled.name]: sent.spooled,
        });
      stageSpan.end(t1);
      stageSpan = undefined;
      this.observe('publish', t1 - t0, tap);
      tap?.done({
        detections: published,
        roi,
        traceId: root.spanContext().traceId,
        messageId: sent.messageId,
      });
      const e2eMs = t1 - frame.decodeStartMs;
      recordMetric('frameLatency', e2eMs / 1000, src);
      addMetric('framesProcessed', 1, src);
      const classes = published.map((d) => d.className);
      for (const c of classes) addMetric('detections', 1, { class: c, source_id: frame.sourceId });
      stats.stage('e2e', e2eMs);
      stats.frameDone(frame.sourceId, decodeMs, raw.inferenceMs, e2eMs, classes);
      if (root.isRecording()) {
        root.setAttributes({
          [ATTRS.detectionCount.name]: published.length,
          [ATTRS.frameDropped.name]: false,
          [ATTRS.framePaused.name]: this.deps.isPaused(),
        });
      }
      // One line per frame at debug: build it only when debug is on (STYLE.md 10).
      if (log.isLevelEnabled(LOG_EVENTS.frame_processed.level)) {
        context.with(rootCtx, () =>
          logEvent(
            log,
            'frame_processed',
            `frame ${frame.seq} of source ${frame.sourceId}: ${published.length} detections`,
            {
              source_id: frame.sourceId,
              frame_seq: frame.seq,
              detections: published.length,
              message_id: sent.messageId,
              e2e_ms: Math.round(e2eMs * 100) / 100,
            },
          ),
        );
      }
      root.end(t1);
      return sent.spooled ? 'spooled' : 'published';
    } catch (err) {
      if (prepared && !inferred) detector.discard(prepared);
      this.fail(err, stage, frame, root, rootCtx, stageSpan);
      return 'failed';
    } finally {
      frame.release();
    }
  }

  /** Inference of a tensor prepared on this thread: the span covers queueing and the run. */
  private async inferHere(p: P, rootCtx: Context, track: (s: Span) => void): Promise<R> {
    const span = startSpan(SPANS.inference.name, { parent: rootCtx, startTime: nowMs() });
    track(span);
    const infer = (signal?: AbortSignal) =>
      context.with(contextWith(span, rootCtx), () => this.deps.detector.infer(p, signal));
    const raw = this.deps.inferencePolicy
      ? await this.deps.inferencePolicy.execute(infer)
      : await infer();
    if (span.isRecording()) span.setAttribute(ATTRS.inferenceQueueMs.name, raw.queueMs);
    span.end(raw.workerEndMs);
    return raw;
  }

  /**
   * Preprocess, inference and decode in the worker: their spans are recorded from the worker's
   * times once the answer is back. A failure gets an inference span from queueing to now.
   */
  private async inferInWorker(
    p: P,
    rootCtx: Context,
    queuedAt: number,
    track: (s: Span) => void,
    tap?: FrameTapRecorder,
  ): Promise<R> {
    // Logs written meanwhile (a worker restart) belong to this frame's trace.
    const infer = (signal?: AbortSignal) =>
      context.with(rootCtx, () => this.deps.detector.infer(p, signal));
    let raw: R;
    try {
      raw = this.deps.inferencePolicy
        ? await this.deps.inferencePolicy.execute(infer)
        : await infer();
    } catch (err) {
      track(startSpan(SPANS.inference.name, { parent: rootCtx, startTime: queuedAt }));
      throw err;
    }
    if (raw.preprocessStartMs !== undefined)
      this.timed('preprocess', rootCtx, raw.preprocessStartMs, raw.workerStartMs, undefined, tap);
    const span = startSpan(SPANS.inference.name, { parent: rootCtx, startTime: raw.workerStartMs });
    if (span.isRecording()) span.setAttribute(ATTRS.inferenceQueueMs.name, raw.queueMs);
    span.end(raw.workerEndMs);
    return raw;
  }

  private result(frame: Frame, roi: Roi | null, detections: Detection[]): FrameResult {
    return {
      sourceId: frame.sourceId,
      seq: frame.seq,
      capturedAtMs: frame.capturedAtMs,
      width: frame.width,
      height: frame.height,
      detections,
      roiMetrics: this.deps.roi.roiMetrics(roi, frame.width, frame.height),
      stabilized: this.deps.stabilizer.enabled,
    };
  }

  /** Runs a synchronous stage inside its own child span. */
  private run<T>(
    stage: Stage,
    parent: Context,
    fn: () => T,
    annotate?: (s: Span, v: T) => void,
    tap?: FrameTapRecorder,
  ): T {
    const t0 = nowMs();
    const span = startSpan(SPANS[stage].name, { parent, startTime: t0 });
    try {
      const v = context.with(contextWith(span, parent), fn);
      if (annotate && span.isRecording()) annotate(span, v);
      const t1 = nowMs();
      span.end(t1);
      this.observe(stage, t1 - t0, tap);
      return v;
    } catch (err) {
      recordSpanError(span, err);
      span.end();
      throw err;
    }
  }

  /** A stage that already happened (capture): a span with known start and end. */
  private timed(
    stage: Stage,
    parent: Context,
    startMs: number,
    endMs: number,
    attrs?: Attributes,
    tap?: FrameTapRecorder,
  ): void {
    startSpan(SPANS[stage].name, { parent, startTime: startMs, attributes: attrs }).end(endMs);
    this.observe(stage, endMs - startMs, tap);
  }

  private observe(stage: Stage, ms: number, tap?: FrameTapRecorder): void {
    recordMetric('stageDuration', ms / 1000, { stage });
    this.deps.stats.stage(stage, ms);
    tap?.stage(stage, ms);
  }

  private fail(
    err: unknown,
    stage: Stage,
    frame: Frame,
    root: Span,
    rootCtx: Context,
    stageSpan: Span | undefined,
  ): void {
    const errorType = errorTypeOfUnknown(err);
    if (stageSpan) {
      recordSpanError(stageSpan, err);
      stageSpan.end();
    }
    recordSpanError(root, err);
    if (root.isRecording())
      root.setAttributes({
        [ATTRS.frameDropped.name]: true,
        [ATTRS.framePaused.name]: this.deps.isPaused(),
      });
    addMetric('errors', 1, { error_type: errorType, component: stage });
    addMetric('framesDropped', 1, { source_id: frame.sourceId, reason: 'error' });
    this.deps.stats.failed++;
    context.with(rootCtx, () =>
      logEvent(
        log,
        'frame_processing_failed',
        `frame ${frame.seq} of source ${frame.sourceId} failed in ${stage}: ${describeError(err)}`,
        {
          source_id: frame.sourceId,
          frame_seq: frame.seq,
          stage,
          error_type: errorType,
          code: err instanceof AdelineError ? err.code : undefined,
        },
      ),
    );
    root.end();
  }
}

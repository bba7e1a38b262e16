/** The config mapping of the parts that take many options (app/parts.ts lists the parts). */
import { join } from 'node:path';
import type { AdelineConfig } from '../config/schema.js';
import {
  preprocessOptionsFromConfig,
  resolveIntraOpThreads,
  type InferenceEngine,
} from '../inference/index.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { FrameTapPort, RoiPort, StabilizerPort } from '../pipeline/ports.js';
import { DataPlane } from '../planes/data-plane.js';
import { VALID_COMMANDS } from '../planes/commands/table.js';
import { buildPublishPolicy, INFERENCE_SERVICE, PUBLISH_SERVICE } from '../resilience/policies.js';
import { FileIdSequence } from '../resilience/id-sequence.js';
import { DiskSpool } from '../resilience/spool.js';
import type { CallPolicy } from '../resilience/types.js';
import type { CreatedSource } from '../source/create-source.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { initMetricSeries } from '../telemetry/metrics.js';
import {
  detectorPort,
  resolveWorkerStages,
  type AnyPrepared,
  type AnyRaw,
} from './detector-port.js';

export type ServicePipeline = Pipeline<AnyPrepared, AnyRaw>;

/** InferenceEngine.open options from models.* (preprocess included), pipeline.max_in_flight and resilience.inference. */
export function engineOptions(c: AdelineConfig): Parameters<typeof InferenceEngine.open>[0] {
  return {
    modelPath: c.models.local_path,
    layout: c.models.layout,
    labelsFile: c.models.labels_file,
    intraOpThreads: resolveIntraOpThreads(c.models.intra_op_threads),
    inferencePriority: c.models.inference_priority,
    imgsz: c.models.imgsz,
    preprocess: preprocessOptionsFromConfig(c.models.preprocess),
    confidence: c.models.confidence,
    iouThreshold: c.models.iou_threshold,
    poolSize: c.pipeline.max_in_flight + 1,
    inferTimeoutMs: c.resilience.inference.timeout_ms,
  };
}

/** The data plane with its publish policy, spool and persistent message ids (spool.enabled). */
export function buildDataPlane(
  c: AdelineConfig,
  url: string,
  protocolVersion: 4 | 5 | undefined,
): DataPlane {
  const spool = c.spool.enabled ? new DiskSpool(c.spool) : null;
  return new DataPlane({
    mqtt: c.mqtt,
    url,
    policy: buildPublishPolicy(c.resilience),
    spool,
    messageIds: spool ? new FileIdSequence(join(c.spool.dir, 'message-id')) : undefined,
    replay: c.spool.replay,
    protocolVersion,
  });
}

export interface PipelineStages {
  engine: InferenceEngine;
  roi: RoiPort;
  stabilizer: StabilizerPort;
  dataPlane: DataPlane;
  inferencePolicy: CallPolicy;
  /** The live view's frame tap (absent when the live view is off). */
  tap?: FrameTapPort | undefined;
}

/** Resolves pipeline.worker_stages for the loaded model, and says where the stages run. */
function placeStages(c: AdelineConfig, engine: InferenceEngine): boolean {
  const { inWorker, reason } = resolveWorkerStages(c.pipeline.worker_stages, {
    width: engine.info.inputWidth,
    height: engine.info.inputHeight,
  });
  logEvent(
    getLogger('pipeline'),
    'pipeline_stages',
    `preprocessing and decode+NMS run ${inWorker ? 'in the inference worker' : 'on the main thread'} (${reason})`,
    { stages_in_worker: inWorker, reason },
  );
  return inWorker;
}

/** The pipeline over the sources: the frame loop (pipeline.*) feeding the stages. */
export function buildPipeline(
  c: AdelineConfig,
  s: PipelineStages,
  sources: readonly CreatedSource[],
  run: { frameLimit: number | undefined; requestStop: (reason: string) => void },
): ServicePipeline {
  const { engine } = s;
  return new Pipeline<AnyPrepared, AnyRaw>({
    // pipeline.worker_stages: preprocessing and decode+NMS in the inference worker, or here.
    detector: detectorPort(engine, placeStages(c, engine)),
    roi: s.roi,
    stabilizer: s.stabilizer,
    publisher: s.dataPlane,
    inferencePolicy: s.inferencePolicy,
    tap: s.tap,
    sources: sources.map((x) => ({ source: x.source, maxFps: x.maxFps })),
    maxFps: c.pipeline.max_fps,
    maxInFlight: c.pipeline.max_in_flight,
    frameLimit: run.frameLimit,
    onLimitReached: () => run.requestStop('frame limit reached'),
    onEnded: () => run.requestStop('all sources ended'),
  });
}

/** Exports every counter series at 0 from the first scrape (see initMetricSeries). */
export function initSeries(sources: readonly CreatedSource[], engine: InferenceEngine): void {
  initMetricSeries({
    sourceIds: sources.map((s) => s.source.id),
    classes: engine.info.classNames,
    services: [
      PUBLISH_SERVICE,
      INFERENCE_SERVICE,
      ...sources.filter((s) => s.source.kind === 'stream').map((s) => `source_${s.source.id}`),
    ],
    commands: VALID_COMMANDS,
  });
}

/**
 * The composition root: builds every part from the frozen config, starts them in order and stops
 * them in reverse. Start: health server → broker → model → control plane → data plane (with its spool) →
 * pipeline → sources → scheduler. Graceful stop (SIGTERM): readiness fails at once, then the reverse:
 * the sources stop, in-flight frames finish, the publish queue drains or spools, `disconnected` is
 * published, the model and broker close, telemetry is flushed — all within shutdown.grace_period.
 */
import { join } from 'node:path';
import type { AdelineConfig } from '../config/schema.js';
import type { PipelineState } from '../domain/control.js';
import { SPANS, ATTRS } from '../telemetry/schema.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { createAllInstruments, initMetricSeries } from '../telemetry/metrics.js';
import { startSpan } from '../telemetry/tracing.js';
import { DISABLED_TELEMETRY, type TelemetryRuntime } from '../telemetry/runtime.js';
import { HealthRegistry, HealthServer } from '../health/index.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { RunStats } from '../pipeline/run-stats.js';
import { ControlPlane } from '../planes/control-plane.js';
import { DataPlane } from '../planes/data-plane.js';
import { EmbeddedBroker } from '../planes/embedded-broker.js';
import { resolveBrokerUrl } from '../planes/broker-url.js';
import { VALID_COMMANDS } from '../planes/commands/table.js';
import {
  buildInferencePolicy,
  buildPublishPolicy,
  buildReconnectPolicy,
  buildTelemetryExportPolicy,
  INFERENCE_SERVICE,
  PUBLISH_SERVICE,
} from '../resilience/policies.js';
import { DiskSpool } from '../resilience/spool.js';
import { FileIdSequence } from '../resilience/id-sequence.js';
import { createSources, type CreatedSource } from '../source/create-source.js';
import { Scheduler } from '../source/scheduler.js';
import { createRoiStrategy } from '../roi/index.js';
import { createStabilizer } from '../stabilization/index.js';
import {
  InferenceEngine,
  precheckModelFile,
  preprocessOptionsFromConfig,
  resolveIntraOpThreads,
} from '../inference/index.js';
import { AppController } from './controller.js';
import { detectorPort, type AnyPrepared, type AnyRaw } from './detector-port.js';
import { registerHealthChecks, StartupCheck } from './health-wiring.js';
import { Lifecycle } from './lifecycle.js';
import { startRuntimeGauges } from './runtime-gauges.js';
import { watchFaultFile } from './test-faults.js';
import { installSignalHandlers } from './signals.js';

const log = getLogger('app');

export interface ServiceOptions {
  /** Stop after this many frames (adeline run --frames). */
  frameLimit?: number | undefined;
  /** Fail start() when a stream cannot be opened, instead of retrying (finite runs). */
  failFast?: boolean;
  /** Install SIGTERM/SIGINT handlers (default true). */
  handleSignals?: boolean;
  /** The telemetry SDK's handle (bootedTelemetry() in `adeline run`); default: telemetry off. */
  telemetry?: TelemetryRuntime;
}

export class AdelineService {
  /** Set when the service stopped because of an error (e.g. the model failed to load). */
  fatalError: Error | undefined;
  /** Resolves when the service should stop: signal, stop command, end of sources, --frames reached. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private readonly lifecycle = new Lifecycle();
  private readonly registry: HealthRegistry;
  private readonly startup = new StartupCheck();
  private pipeline: Pipeline<AnyPrepared, AnyRaw> | undefined;
  private scheduler: Scheduler | undefined;
  private sources: CreatedSource[] = [];
  private state: PipelineState = 'starting';
  private stopping: Promise<void> | undefined;
  private healthServer: HealthServer | undefined;
  private readonly telemetry: TelemetryRuntime;

  private constructor(
    readonly config: AdelineConfig,
    private readonly opts: ServiceOptions,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
    this.telemetry = opts.telemetry ?? DISABLED_TELEMETRY;
    this.telemetry.guardExports({
      traces: buildTelemetryExportPolicy(config.resilience, 'traces'),
      logs: buildTelemetryExportPolicy(config.resilience, 'logs'),
    });
    this.registry = new HealthRegistry({
      timeoutMs: Math.max(config.health.slow_inference_ms * 2, 5000),
    });
  }

  static async create(config: AdelineConfig, opts: ServiceOptions = {}): Promise<AdelineService> {
    return new AdelineService(config, opts);
  }

  get stats(): RunStats {
    return this.pipeline?.stats ?? emptyStats;
  }

  /** Bound port of the health server (useful with health.port 0). */
  get healthPort(): number | null {
    return this.healthServer?.port ?? null;
  }

  async start(): Promise<void> {
    const span = startSpan(SPANS.lifecycle.name, {
      root: true,
      attributes: { [ATTRS.lifecyclePhase.name]: 'start' },
    });
    try {
      await this.startParts();
      this.state = 'running';
      this.startup.markStarted();
      logEvent(log, 'service_started', 'Adeline is running', {
        sources: this.sources.map((s) => s.source.description),
        health_port: this.healthPort,
      });
    } catch (err) {
      this.fatalError = err instanceof Error ? err : new Error(String(err));
      span.recordException(this.fatalError);
      await this.stop('start failed');
      throw err;
    } finally {
      span.end();
    }
  }

  private async startParts(): Promise<void> {
    const c = this.config;
    // A missing or broken model fails at once, before servers and the broker start (loading the
    // model, later, repeats these checks and does the slow part).
    await precheckModelFile(c.models.local_path);
    createAllInstruments();
    if (this.opts.handleSignals !== false)
      this.lifecycle.add('signals', installSignalHandlers(this, c.shutdown.grace_period * 1000));
    this.registry.register(this.startup);
    await this.lifecycle.start(
      'health-registry',
      () => this.registry.start(),
      () => this.registry.stop(),
    );
    if (c.health.enabled) {
      const server = new HealthServer({
        registry: this.registry,
        host: c.health.host,
        port: c.health.port,
        metricsHandler: this.telemetry.metricsHandler,
        metricsPort: c.telemetry.metrics.port,
        logger: getLogger('health'),
      });
      this.healthServer = server;
      await this.lifecycle.start(
        'health-server',
        () => server.start(),
        () => server.stop(),
      );
    }
    this.lifecycle.add('runtime-gauges', startRuntimeGauges(c.models.local_path));
    const spool = c.spool.enabled ? new DiskSpool(c.spool) : null;
    // The data plane owns the spool: it opens it (replaying leftovers) and closes it on stop.
    const target = resolveBrokerUrl(c.mqtt);
    let url: string;
    let protocolVersion: 4 | 5 | undefined;
    if (target.kind === 'embedded') {
      const broker = new EmbeddedBroker({ host: target.host, port: target.port });
      await this.lifecycle.start(
        'embedded-broker',
        () => broker.start(),
        () => broker.stop(),
      );
      url = broker.url();
      protocolVersion = EmbeddedBroker.protocolVersion;
    } else {
      url = target.url;
    }
    const engine = await InferenceEngine.open({
      modelPath: c.models.local_path,
      layout: c.models.layout,
      labelsFile: c.models.labels_file,
      intraOpThreads: resolveIntraOpThreads(c.models.intra_op_threads),
      imgsz: c.models.imgsz,
      preprocess: preprocessOptionsFromConfig(c.models.preprocess),
      confidence: c.models.confidence,
      iouThreshold: c.models.iou_threshold,
      poolSize: c.pipeline.max_in_flight + 1,
      inferTimeoutMs: c.resilience.inference.timeout_ms,
    });
    this.lifecycle.add('inference', () => engine.close());
    this.lifecycle.add('test-faults', watchFaultFile(engine));
    const imgsz = engine.info.inputWidth;
    const roi = createRoiStrategy(c.roi_strategy, imgsz);
    const stabilizer = createStabilizer(c.detection_stabilization);
    const controller = new AppController({
      state: () => this.state,
      pause: () => this.pause(),
      resume: () => this.resume(),
      requestStop: (reason) => this.requestStop(reason),
      stats: () => this.stats,
      sourcesCount: () => this.sources.length,
      health: async () => {
        const v = this.registry.overall();
        return { status: v.status, checks: Object.fromEntries(v.checks.map((r) => [r.name, r])) };
      },
      roi,
      stabilizer,
    });
    const controlPlane = new ControlPlane({ mqtt: c.mqtt, url, controller, protocolVersion });
    await this.lifecycle.start(
      'control-plane',
      () => controlPlane.start(),
      () => controlPlane.stop(),
    );
    const dataPlane = new DataPlane({
      mqtt: c.mqtt,
      url,
      policy: buildPublishPolicy(c.resilience),
      spool,
      messageIds: spool ? new FileIdSequence(join(c.spool.dir, 'message-id')) : undefined,
      protocolVersion,
    });
    const graceMs = c.shutdown.grace_period * 1000;
    await this.lifecycle.start(
      'data-plane',
      () => dataPlane.start(),
      async () => {
        await dataPlane.drain(Math.max(100, graceMs / 3));
        await dataPlane.stop();
      },
    );
    const inferencePolicy = buildInferencePolicy(c.resilience);
    const pipeline = new Pipeline<AnyPrepared, AnyRaw>({
      detector: detectorPort(engine, c.pipeline.worker_stages),
      roi,
      stabilizer,
      publisher: dataPlane,
      inferencePolicy,
      maxInFlight: c.pipeline.max_in_flight,
      frameLimit: this.opts.frameLimit,
      onLimitReached: () => this.requestStop('frame limit reached'),
    });
    this.pipeline = pipeline;
    this.lifecycle.add(
      'pipeline',
      async () => void (await pipeline.drain(Math.max(100, graceMs / 3))),
    );
    this.sources = createSources(c, {
      reconnectPolicy: (id) => buildReconnectPolicy(c.resilience.source_reconnect, `source_${id}`),
      failFast: this.opts.failFast ?? false,
    });
    initMetricSeries({
      sourceIds: this.sources.map((s) => s.source.id),
      classes: engine.info.classNames,
      services: [
        PUBLISH_SERVICE,
        INFERENCE_SERVICE,
        ...this.sources
          .filter((s) => s.source.kind === 'stream')
          .map((s) => `source_${s.source.id}`),
      ],
      commands: VALID_COMMANDS,
    });
    for (const s of this.sources) {
      await this.lifecycle.start(
        `source-${s.source.id}`,
        () => s.source.start(),
        () => s.source.stop(),
      );
    }
    const scheduler = new Scheduler({
      sources: this.sources.map((s) => ({ source: s.source, maxFps: s.maxFps })),
      maxFps: c.pipeline.max_fps,
      admit: () => pipeline.admit(),
      cancelAdmission: () => pipeline.cancelAdmission(),
      process: (frame) => pipeline.submit(frame),
      wantsMore: () => pipeline.wantsMore(),
      onEnded: () => this.requestStop('all sources ended'),
    });
    this.scheduler = scheduler;
    this.lifecycle.add('scheduler', () => scheduler.stop());
    const closeChecks = registerHealthChecks(this.registry, c, {
      engine,
      inferencePolicy,
      controlPlane,
      dataPlane,
      scheduler,
      sources: this.sources,
      pipeline,
      telemetry: this.telemetry,
      mode: () => this.loopMode(),
    });
    this.lifecycle.add('health-checks', closeChecks);
    scheduler.start();
  }

  private loopMode(): 'running' | 'waiting' | 'paused' | 'ended' {
    if (this.state === 'paused') return 'paused';
    if (this.state !== 'running') return 'ended';
    const states = this.sources.map(
      (s) => this.scheduler?.sourceStatus(s.source.id).state ?? 'connecting',
    );
    if (states.every((st) => st === 'ended')) return 'ended';
    if (states.every((st) => st === 'connecting' || st === 'reconnecting' || st === 'ended'))
      return 'waiting';
    return 'running';
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.scheduler?.pause();
    this.pipeline?.pause();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.scheduler?.resume();
    this.pipeline?.resume();
  }

  /** Asks the service to stop; `done` resolves and the owner calls stop(). */
  requestStop(reason: string): void {
    if (this.state === 'stopped') return;
    logEvent(log, 'service_stopping', `stopping: ${reason}`, { reason });
    this.registry.setShuttingDown(true);
    this.resolveDone();
  }

  /** Graceful stop, idempotent. Never rejects. */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.doStop(reason);
    return this.stopping;
  }

  private async doStop(reason: string): Promise<void> {
    const span = startSpan(SPANS.lifecycle.name, {
      root: true,
      attributes: { [ATTRS.lifecyclePhase.name]: 'stop' },
    });
    this.registry.setShuttingDown(true);
    const wasRunning = this.state !== 'starting';
    this.state = 'stopped';
    this.resolveDone();
    const graceMs = this.config.shutdown.grace_period * 1000;
    await this.lifecycle.stopAll(Math.max(100, graceMs / 2));
    span.end();
    if (wasRunning)
      logEvent(log, 'service_stopped', `stopped (${reason})`, {
        reason,
        frames_processed: this.stats.processed,
      });
    await this.telemetry.shutdown();
  }

  sourceStatuses(): Array<{ id: number; description: string; state: string; framesRead: number }> {
    return this.sources.map(({ source }) => {
      const st = this.scheduler ? this.scheduler.sourceStatus(source.id) : source.status();
      return {
        id: source.id,
        description: source.description,
        state: st.state,
        framesRead: st.framesRead,
      };
    });
  }

  droppedByReason(): Record<string, number> {
    const counts: Record<string, number> = { ...(this.scheduler?.dropped() ?? {}) };
    counts.error = (counts.error ?? 0) + (this.pipeline?.stats.failed ?? 0);
    return counts;
  }
}

const emptyStats = new RunStats(1);

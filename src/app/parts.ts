/**
 * The parts of the service, in start order; app/lifecycle.ts stops them in reverse within one
 * grace period. Start: preflight → signals → health registry → health server → runtime gauges →
 * broker → model → control plane → data plane (with its spool) → pipeline → sources → health
 * checks → frame loop. Stop (SIGTERM), the reverse: the frame loop stops taking frames, the
 * sources stop, in-flight frames finish, the publish queue drains or spools, `disconnected` is
 * published, the model and broker close. Each part is built when it starts, from the frozen
 * config and the parts started before it.
 */
import type { AdelineConfig } from '../config/schema.js';
import { HealthServer, type HealthRegistry } from '../health/index.js';
import { InferenceEngine, precheckModelFile } from '../inference/index.js';
import { ControlPlane } from '../planes/control-plane.js';
import type { DataPlane } from '../planes/data-plane.js';
import { EmbeddedBroker } from '../planes/embedded-broker.js';
import { resolveBrokerUrl } from '../planes/broker-url.js';
import { buildInferencePolicy, buildReconnectPolicy } from '../resilience/policies.js';
import { createSources, type CreatedSource } from '../source/create-source.js';
import { createRoiStrategy } from '../roi/index.js';
import { createStabilizer } from '../stabilization/index.js';
import { createAllInstruments } from '../telemetry/metrics.js';
import { getLogger } from '../telemetry/logger.js';
import type { TelemetryRuntime } from '../telemetry/runtime.js';
import { AppController, type ControllerDeps } from './controller.js';
import { registerHealthChecks, type StartupCheck } from './health-wiring.js';
import type { Part } from './lifecycle.js';
import {
  buildDataPlane,
  buildPipeline,
  engineOptions,
  initSeries,
  type ServicePipeline,
} from './part-builders.js';
import { buildLiveView, liveSourceReadings, startLiveView } from './live-wiring.js';
import { startRuntimeGauges } from './runtime-gauges.js';
import { installSignalHandlers, type Stoppable } from './signals.js';
import { watchFaultFile } from './test-faults.js';

/** What the parts need from the service that runs them. */
export interface PartsHost extends Stoppable {
  readonly config: AdelineConfig;
  readonly registry: HealthRegistry;
  readonly startup: StartupCheck;
  /** Install SIGTERM/SIGINT handlers. */
  readonly handleSignals: boolean;
  /** adeline run --frames. */
  readonly frameLimit: number | undefined;
  /** A stream that cannot be opened fails start() instead of retrying. */
  readonly failFast: boolean;
  /** The telemetry SDK's handle: metrics handler, export stats, flush. */
  readonly telemetry: TelemetryRuntime;
  /** The service side of the control commands (pause, resume, stop, status, metrics, health). */
  readonly controls: Omit<ControllerDeps, 'roi' | 'stabilizer'>;
  loopMode(): 'running' | 'waiting' | 'paused' | 'ended';
}

/** The parts the service reads while it runs; set as they are built. */
export class BuiltParts {
  sources: CreatedSource[] = [];
  healthServer: HealthServer | undefined;
  pipeline: ServicePipeline | undefined;
  /** The broker the planes use (for `adeline run` to print where to look). */
  brokerUrl: string | null = null;
}

/** The service's parts in start order (sources are built now: a bad source fails before any start). */
export function serviceParts(host: PartsHost, built: BuiltParts): Part[] {
  const c = host.config;
  const sources = createSources(c, {
    reconnectPolicy: (id) => buildReconnectPolicy(c.resilience.source_reconnect, `source_${id}`),
    failFast: host.failFast,
  });
  built.sources = sources;
  const target = resolveBrokerUrl(c.mqtt);
  const broker =
    target.kind === 'embedded'
      ? new EmbeddedBroker({ host: target.host, port: target.port })
      : null;
  const url = (): string =>
    target.kind === 'external' ? target.url : (broker as EmbeddedBroker).url();
  const protocolVersion = broker ? EmbeddedBroker.protocolVersion : undefined;
  const inferencePolicy = buildInferencePolicy(c.resilience);
  let engine!: InferenceEngine;
  let controlPlane!: ControlPlane;
  let dataPlane!: DataPlane;
  let pipeline!: ServicePipeline;
  let roi!: ReturnType<typeof createRoiStrategy>;
  let stabilizer!: ReturnType<typeof createStabilizer>;
  let closeSignals = (): void => {};
  let closeGauges = (): void => {};
  let closeFaults = (): void => {};
  let closeChecks = (): void => {};
  let closeLive = (): void => {};
  const live = buildLiveView(c, {
    registry: host.registry,
    sources: () => liveSourceReadings(sources, built.pipeline),
    pipelineState: () => host.controls.state(),
  });
  return [
    {
      // A missing or broken model fails at once, before servers and the broker start (loading
      // the model, later, repeats these checks and does the slow part).
      name: 'preflight',
      start: async () => {
        await precheckModelFile(c.models.local_path);
        createAllInstruments();
      },
    },
    {
      name: 'signals',
      enabled: host.handleSignals,
      start: () =>
        void (closeSignals = installSignalHandlers(host, c.shutdown.grace_period * 1000)),
      stop: () => closeSignals(),
    },
    {
      name: 'health-registry',
      start: () => {
        host.registry.register(host.startup);
        return host.registry.start();
      },
      stop: () => host.registry.stop(),
    },
    {
      name: 'health-server',
      enabled: c.health.enabled,
      start: () => {
        built.healthServer = new HealthServer({
          routes: live?.middleware(),
          registry: host.registry,
          host: c.health.host,
          port: c.health.port,
          metricsHandler: host.telemetry.metricsHandler,
          metricsPort: c.telemetry.metrics.port,
          logger: getLogger('health'),
        });
        return built.healthServer.start();
      },
      stop: () => built.healthServer?.stop(),
    },
    {
      name: 'live-view',
      enabled: live !== undefined && c.health.enabled,
      start: () => {
        if (live && built.healthServer) closeLive = startLiveView(live, c, built.healthServer.port);
      },
      stop: () => closeLive(),
    },
    {
      name: 'runtime-gauges',
      start: () => void (closeGauges = startRuntimeGauges(c.models.local_path)),
      stop: () => closeGauges(),
    },
    {
      name: 'embedded-broker',
      enabled: broker !== null,
      start: () => broker?.start(),
      stop: () => broker?.stop(),
    },
    {
      name: 'inference',
      start: async () => {
        engine = await InferenceEngine.open(engineOptions(c));
        roi = createRoiStrategy(c.roi_strategy, engine.info.inputWidth);
        stabilizer = createStabilizer(c.detection_stabilization);
      },
      stop: () => engine.close(),
    },
    {
      name: 'test-faults',
      start: () => void (closeFaults = watchFaultFile(engine)),
      stop: () => closeFaults(),
    },
    {
      name: 'control-plane',
      start: () => {
        const controller = new AppController({ ...host.controls, roi, stabilizer });
        built.brokerUrl = url();
        controlPlane = new ControlPlane({ mqtt: c.mqtt, url: url(), controller, protocolVersion });
        if (live) controlPlane.observeReplies(live.recordReply);
        return controlPlane.start();
      },
      stop: () => controlPlane.stop(),
    },
    {
      // The data plane owns the spool: it opens it (replaying leftovers) and closes it on stop.
      name: 'data-plane',
      start: () => {
        dataPlane = buildDataPlane(c, url(), protocolVersion);
        return dataPlane.start();
      },
      stop: async (budget) => {
        await dataPlane.drain(budget.share(1 / 3));
        await dataPlane.stop();
      },
    },
    {
      name: 'pipeline',
      start: () => {
        pipeline = buildPipeline(
          c,
          { engine, roi, stabilizer, dataPlane, inferencePolicy, tap: live?.hub },
          sources,
          {
            frameLimit: host.frameLimit,
            requestStop: (reason) => host.requestStop(reason),
          },
        );
        built.pipeline = pipeline;
        initSeries(sources, engine);
        live?.hub.initSeries(sources.map((x) => x.source.id));
      },
      stop: async (budget) => void (await pipeline.drain(budget.share(1 / 3))),
    },
    ...sources.map(({ source }): Part => ({
      name: `source-${source.id}`,
      start: () => source.start(),
      stop: () => source.stop(),
    })),
    {
      name: 'health-checks',
      start: () => {
        closeChecks = registerHealthChecks(host.registry, c, {
          engine,
          inferencePolicy,
          controlPlane,
          dataPlane,
          sources,
          pipeline,
          telemetry: host.telemetry,
          mode: () => host.loopMode(),
        });
      },
      stop: () => closeChecks(),
    },
    { name: 'frame-loop', start: () => pipeline.start(), stop: () => pipeline.stop() },
  ];
}

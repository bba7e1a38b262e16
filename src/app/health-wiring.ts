/** Registers every component's health check with the registry (app/ owns the wiring). */
import type { AdelineConfig } from '../config/schema.js';
import { cappedFps, frameIntervalMs } from '../domain/frame-rate.js';
import type { HealthCheck } from '../domain/health.js';
import {
  EventLoopDelayCheck,
  FrameHeartbeatCheck,
  MemoryCheck,
  ModelCheck,
  ModelOutputCheck,
  MqttPlaneCheck,
  SourceCheck,
  TelemetryExportCheck,
  type HealthRegistry,
} from '../health/index.js';
import type { InferenceEngine } from '../inference/index.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ControlPlane } from '../planes/control-plane.js';
import type { DataPlane } from '../planes/data-plane.js';
import type { CallPolicy } from '../resilience/types.js';
import type { CreatedSource } from '../source/create-source.js';
import type { TelemetryRuntime } from '../telemetry/runtime.js';

/** Not ready until start() has finished; keeps /health/ready at 503 during startup. */
export class StartupCheck implements HealthCheck {
  readonly name = 'startup';
  readonly intervalMs = 200;
  readonly readiness = true;
  private started = false;
  markStarted(): void {
    this.started = true;
  }
  async run() {
    return this.started
      ? { status: 'healthy' as const, message: 'started', details: {} }
      : { status: 'unhealthy' as const, message: 'starting', details: {} };
  }
}

export interface HealthParts {
  engine: InferenceEngine;
  inferencePolicy: CallPolicy;
  controlPlane: ControlPlane;
  dataPlane: DataPlane;
  sources: CreatedSource[];
  pipeline: Pipeline<never, never> | Pipeline<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  telemetry: TelemetryRuntime;
  mode: () => 'running' | 'waiting' | 'paused' | 'ended';
}

/** Registers the checks; returns the function that releases their resources. */
export function registerHealthChecks(
  registry: HealthRegistry,
  c: AdelineConfig,
  p: HealthParts,
): () => void {
  const h = c.health;
  const intervalMs = h.check_interval_ms;
  const expectedIntervalMs = (): number | null => {
    const caps = p.sources.map((s) => frameIntervalMs(cappedFps(s.maxFps, s.source.nominalFps())));
    const known = caps.filter((x): x is number => x !== null);
    return known.length ? Math.max(...known) : null;
  };
  const eventLoop = new EventLoopDelayCheck({
    degradedMs: h.event_loop_degraded_ms,
    unhealthyMs: h.event_loop_unhealthy_ms,
    intervalMs,
  });
  registry.register(eventLoop);
  registry.register(
    new FrameHeartbeatCheck({
      lastFrameAtMs: () => p.pipeline.lastFrameAt(),
      expectedIntervalMs,
      mode: p.mode,
      factor: h.stall_factor,
      minMs: h.stall_min_ms,
      intervalMs,
    }),
  );
  registry.register(
    new ModelCheck({
      probe: () => p.engine.probe({ timeoutMs: c.resilience.inference.timeout_ms }),
      breakerState: () => p.inferencePolicy.breakerState(),
      slowMs: h.slow_inference_ms,
      probeIntervalMs: h.model_probe_interval_ms,
      intervalMs,
    }),
  );
  registry.register(
    new ModelOutputCheck({
      counts: () => p.pipeline.stats.modelOutput,
      emptyFrames: h.model_output.empty_frames,
      saturatedFrames: h.model_output.saturated_frames,
      confidence: c.models.confidence,
      mode: p.mode,
      idleAfterMs: Math.max(h.stall_min_ms, 5 * intervalMs),
      intervalMs,
    }),
  );
  registry.register(
    new MqttPlaneCheck({
      name: 'mqtt_data',
      status: () => p.dataPlane.healthView(),
      intervalMs,
    }),
  );
  registry.register(
    new MqttPlaneCheck({
      name: 'mqtt_control',
      status: () => p.controlPlane.healthView(),
      intervalMs,
      whenDisconnected: 'degraded',
    }),
  );
  for (const s of p.sources) {
    const id = s.source.id;
    registry.register(
      new SourceCheck({
        sourceId: id,
        status: () => p.pipeline.sourceStatus(id),
        intervalMs,
        stallAfterMs: () => {
          const interval = frameIntervalMs(cappedFps(s.maxFps, s.source.nominalFps()));
          return interval === null
            ? h.stall_min_ms
            : Math.max(h.stall_factor * interval, h.stall_min_ms);
        },
      }),
    );
  }
  registry.register(
    new TelemetryExportCheck({
      intervalMs,
      stats: () => {
        const s = p.telemetry.exportStats();
        return {
          enabled: p.telemetry.enabled,
          configured: s.traces.configured || s.logs.configured,
          failing: s.traces.failing || s.logs.failing,
          lastError: s.traces.lastError ?? s.logs.lastError,
          failures: s.traces.failures + s.logs.failures,
          dropped: s.traces.dropped + s.logs.dropped,
          lastSuccessAtMs: s.traces.lastSuccessMs,
        };
      },
    }),
  );
  registry.register(new MemoryCheck({ intervalMs: Math.max(intervalMs, 5000) }));
  return () => eventLoop.close();
}

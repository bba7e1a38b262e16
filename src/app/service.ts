/**
 * The composition root: runs the parts of app/parts.ts (built from the frozen config) in order,
 * and stops them in reverse within shutdown.grace_period, one budget shared by every step.
 * Graceful stop (SIGTERM): readiness fails at once, then the parts stop, then telemetry is flushed
 * with what is left of the budget.
 */
import type { AdelineConfig } from '../config/schema.js';
import type { PipelineState } from '../domain/control.js';
import { SPANS, ATTRS } from '../telemetry/schema.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { startSpan } from '../telemetry/tracing.js';
import { DISABLED_TELEMETRY, type TelemetryRuntime } from '../telemetry/runtime.js';
import { buildTelemetryExportPolicy } from '../resilience/policies.js';
import { HealthRegistry } from '../health/index.js';
import { RunStats } from '../pipeline/run-stats.js';
import { StartupCheck } from './health-wiring.js';
import { Lifecycle, runStep, StopBudget } from './lifecycle.js';
import { BuiltParts, serviceParts, type PartsHost } from './parts.js';

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

export class AdelineService implements PartsHost {
  /** Set when the service stopped because of an error (e.g. the model failed to load). */
  fatalError: Error | undefined;
  /** Resolves when the service should stop: signal, stop command, end of sources, --frames reached. */
  readonly done: Promise<void>;
  readonly registry: HealthRegistry;
  readonly startup = new StartupCheck();
  readonly handleSignals: boolean;
  readonly frameLimit: number | undefined;
  readonly failFast: boolean;
  readonly controls: PartsHost['controls'];
  readonly telemetry: TelemetryRuntime;
  private resolveDone!: () => void;
  private readonly lifecycle = new Lifecycle();
  private readonly built = new BuiltParts();
  /** For `adeline run` to print where to look: the broker in use (set once the planes start). */
  readonly endpoints = {
    brokerUrl: (): string | null => this.built.brokerUrl,
  };
  private state: PipelineState = 'starting';
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: AdelineConfig,
    opts: ServiceOptions,
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
    this.handleSignals = opts.handleSignals !== false;
    this.frameLimit = opts.frameLimit;
    this.failFast = opts.failFast ?? false;
    this.controls = {
      state: () => this.state,
      pause: () => this.pause(),
      resume: () => this.resume(),
      requestStop: (reason) => this.requestStop(reason),
      stats: () => this.stats,
      sourcesCount: () => this.built.sources.length,
      health: async () => {
        const v = this.registry.overall();
        return { status: v.status, checks: Object.fromEntries(v.checks.map((r) => [r.name, r])) };
      },
    };
  }

  static async create(config: AdelineConfig, opts: ServiceOptions = {}): Promise<AdelineService> {
    return new AdelineService(config, opts);
  }

  get stats(): RunStats {
    return this.built.pipeline?.stats ?? emptyStats;
  }

  /** Bound port of the health server (useful with health.port 0). */
  get healthPort(): number | null {
    return this.built.healthServer?.port ?? null;
  }

  async start(): Promise<void> {
    const span = startSpan(SPANS.lifecycle.name, {
      root: true,
      attributes: { [ATTRS.lifecyclePhase.name]: 'start' },
    });
    try {
      await this.lifecycle.startAll(serviceParts(this, this.built));
      this.state = 'running';
      this.startup.markStarted();
      logEvent(log, 'service_started', 'Adeline is running', {
        sources: this.built.sources.map((s) => s.source.description),
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

  loopMode(): 'running' | 'waiting' | 'paused' | 'ended' {
    if (this.state === 'paused') return 'paused';
    if (this.state !== 'running') return 'ended';
    const states = this.built.sources.map(
      (s) => this.built.pipeline?.sourceStatus(s.source.id).state ?? 'connecting',
    );
    if (states.every((st) => st === 'ended')) return 'ended';
    if (states.every((st) => st === 'connecting' || st === 'reconnecting' || st === 'ended'))
      return 'waiting';
    return 'running';
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.built.pipeline?.pause();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.built.pipeline?.resume();
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
    const budget = new StopBudget(this.config.shutdown.grace_period * 1000);
    await this.lifecycle.stopAll(budget);
    span.end();
    if (wasRunning)
      logEvent(log, 'service_stopped', `stopped (${reason})`, {
        reason,
        frames_processed: this.stats.processed,
      });
    await runStep('telemetry', () => this.telemetry.shutdown(), budget);
  }

  sourceStatuses(): Array<{ id: number; description: string; state: string; framesRead: number }> {
    const { pipeline } = this.built;
    return this.built.sources.map(({ source }) => {
      const st = pipeline ? pipeline.sourceStatus(source.id) : source.status();
      return {
        id: source.id,
        description: source.description,
        state: st.state,
        framesRead: st.framesRead,
      };
    });
  }

  droppedByReason(): Record<string, number> {
    const counts: Record<string, number> = { ...(this.built.pipeline?.dropped() ?? {}) };
    counts.error = (counts.error ?? 0) + (this.built.pipeline?.stats.failed ?? 0);
    return counts;
  }
}

const emptyStats = new RunStats(1);

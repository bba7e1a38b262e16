/**
 * The ServiceController the control plane calls: pause, resume, stop, status, metrics, health,
 * toggle_crop, stabilization_stats and set_log_level, over the running parts.
 */
import type {
  MetricsSnapshot,
  PipelineState,
  ServiceController,
  StabilizationStats,
} from '../domain/control.js';
import { AdelineError } from '../domain/errors.js';
import { getLogger, logEvent, setLogLevel } from '../telemetry/logger.js';
import type { RunStats } from '../pipeline/run-stats.js';

const log = getLogger('app');

export interface ControllerDeps {
  state: () => PipelineState;
  pause: () => void;
  resume: () => void;
  requestStop: (reason: string) => void;
  stats: () => RunStats;
  sourcesCount: () => number;
  health: () => Promise<{ status: string; checks: Record<string, unknown> }>;
  roi: { mode: string; cropEnabled(): boolean; setCropEnabled(on: boolean): void };
  stabilizer: { mode: string; stats(): Record<string, StabilizationStats> };
}

export class AppController implements ServiceController {
  constructor(private readonly d: ControllerDeps) {}

  state(): PipelineState {
    return this.d.state();
  }

  async pause(): Promise<void> {
    this.d.pause();
  }

  async resume(): Promise<void> {
    this.d.resume();
  }

  async stop(reason: string): Promise<void> {
    this.d.requestStop(reason);
  }

  metrics(): MetricsSnapshot {
    return {
      throughputFps: Math.round(this.d.stats().fps() * 100) / 100,
      sourcesCount: this.d.sourcesCount(),
      latencyReports: this.d
        .stats()
        .sourceLatencies()
        .map((s) => ({
          sourceId: s.sourceId,
          frameDecodingLatencyMs: round(s.decodeMs),
          inferenceLatencyMs: round(s.inferenceMs),
          e2eLatencyMs: round(s.e2eMs),
        })),
    };
  }

  health(): Promise<{ status: string; checks: Record<string, unknown> }> {
    return this.d.health();
  }

  toggleCrop(): boolean {
    if (this.d.roi.mode !== 'adaptive') {
      throw new AdelineError(
        'ADELINE_ERR_COMMAND_NOT_APPLICABLE',
        `toggle_crop needs roi_strategy.mode adaptive; the current mode is ${this.d.roi.mode}`,
      );
    }
    const next = !this.d.roi.cropEnabled();
    this.d.roi.setCropEnabled(next);
    return next;
  }

  stabilizationStats(): Record<string, StabilizationStats> {
    if (this.d.stabilizer.mode === 'none') {
      throw new AdelineError(
        'ADELINE_ERR_COMMAND_NOT_APPLICABLE',
        'stabilization_stats needs detection_stabilization.mode temporal; stabilisation is off',
      );
    }
    return this.d.stabilizer.stats();
  }

  setLogLevel(level: string): string {
    let previous: string;
    try {
      previous = setLogLevel(level);
    } catch (err) {
      throw new AdelineError('ADELINE_ERR_COMMAND_INVALID', (err as Error).message);
    }
    logEvent(log, 'log_level_changed', `log level changed from ${previous} to ${level}`, {
      previous,
      level,
    });
    return previous;
  }
}

const round = (v: number) => Math.round(v * 100) / 100;

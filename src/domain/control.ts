/**
 * What the control plane asks of the service. `app/` implements it; `planes/` calls it.
 * Every method resolves with the reply to publish, or throws an AdelineError
 * (ADELINE_ERR_COMMAND_NOT_APPLICABLE and friends) that becomes an error reply.
 */
export type PipelineState = 'starting' | 'running' | 'paused' | 'stopped';

export interface MetricsSnapshot {
  throughputFps: number;
  sourcesCount: number;
  latencyReports: Array<{
    sourceId: number;
    frameDecodingLatencyMs: number;
    inferenceLatencyMs: number;
    e2eLatencyMs: number;
  }>;
}

export interface StabilizationStats {
  totalDetected: number;
  totalConfirmed: number;
  totalIgnored: number;
  totalRemoved: number;
  activeTracks: number;
  tracksByClass: Record<string, number>;
  confirmRatio: number;
}

export interface ServiceController {
  state(): PipelineState;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stops the service (graceful shutdown); resolves once the stop has been scheduled. */
  stop(reason: string): Promise<void>;
  metrics(): MetricsSnapshot;
  health(): Promise<{ status: string; checks: Record<string, unknown> }>;
  /** Flips adaptive ROI cropping; returns the new state. Throws NOT_APPLICABLE unless ROI mode is adaptive. */
  toggleCrop(): boolean;
  /** Per-source stats. Throws NOT_APPLICABLE unless stabilisation is on. */
  stabilizationStats(): Record<string, StabilizationStats>;
  /** Changes the log level at runtime; returns the previous level. */
  setLogLevel(level: string): string;
}

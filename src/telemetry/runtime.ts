/**
 * The handle the application uses to reach the telemetry SDK without importing it. sdk.ts makes
 * it when the SDK starts (bootstrap.ts, loaded with `node --import`); `adeline run` takes it with
 * bootedTelemetry() and passes it to the service. When telemetry is off it is DISABLED_TELEMETRY.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ExportSignal = 'traces' | 'logs';

export interface ExportStats {
  /** An OTLP endpoint is configured for this signal (else it is not exported at all). */
  configured: boolean;
  failures: number;
  /** Items (spans, log records) dropped by full queues or failed exports. */
  dropped: number;
  lastError: string | null;
  lastFailureMs: number | null;
  lastSuccessMs: number | null;
  /** True between a failed export and the next successful one. */
  failing: boolean;
}

/**
 * What guards one signal's exports: src/resilience/policies.ts builds it from config
 * (buildTelemetryExportPolicy, a circuit breaker). execute() rejects with an error whose
 * rejectionKindOf() is 'breaker_open' when it skipped the export without trying it.
 */
export interface ExportPolicy {
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Time from a failed export to the next trial, milliseconds (named in the log line). */
  readonly halfOpenAfterMs?: number | undefined;
}

export interface TelemetryRuntime {
  readonly enabled: boolean;
  /** Serves Prometheus text; undefined when telemetry is off. */
  readonly metricsHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  exportStats(): Record<ExportSignal, ExportStats>;
  /** Puts each signal's exports behind its policy (until then, every batch is tried). */
  guardExports(policies: Record<ExportSignal, ExportPolicy>): void;
  /** Flushes and shuts the SDK down; never rejects (a dead collector is expected). */
  shutdown(): Promise<void>;
}

export function emptyExportStats(configured = false): ExportStats {
  return {
    configured,
    failures: 0,
    dropped: 0,
    lastError: null,
    lastFailureMs: null,
    lastSuccessMs: null,
    failing: false,
  };
}

export const DISABLED_TELEMETRY: TelemetryRuntime = Object.freeze({
  enabled: false,
  metricsHandler: undefined,
  exportStats: () => ({ traces: emptyExportStats(), logs: emptyExportStats() }),
  guardExports: () => {},
  shutdown: async () => {},
});

/*
 * The one hand-over point: bootstrap.ts runs before the application's entry module, so it cannot
 * pass the handle as an argument. Both load this same module instance (one URL, one module graph).
 */
let booted: TelemetryRuntime | null = null;

/** Called by sdk.ts once the SDK is started. */
export function setBootedTelemetry(rt: TelemetryRuntime | null): void {
  booted = rt;
}

/** The runtime bootstrap.ts started in this process, or DISABLED_TELEMETRY. */
export function bootedTelemetry(): TelemetryRuntime {
  return booted ?? DISABLED_TELEMETRY;
}

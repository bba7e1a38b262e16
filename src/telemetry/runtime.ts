/**
 * The handle the application uses to reach the telemetry SDK without importing it.
 * src/telemetry/sdk.ts fills it in when the SDK starts; when telemetry is off it stays a no-op.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ExportStats {
  failures: number;
  /** Items (spans, log records) dropped by full queues or failed exports. */
  dropped: number;
  lastError: string | null;
  lastFailureMs: number | null;
  lastSuccessMs: number | null;
  /** True between a failed export and the next successful one. */
  failing: boolean;
}

export interface TelemetryRuntime {
  readonly enabled: boolean;
  /** Serves Prometheus text; undefined when telemetry is off. */
  readonly metricsHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  exportStats(): { traces: ExportStats; logs: ExportStats };
  /** Flushes and shuts the SDK down; never rejects (a dead collector is expected). */
  shutdown(): Promise<void>;
}

export function emptyExportStats(): ExportStats {
  return {
    failures: 0,
    dropped: 0,
    lastError: null,
    lastFailureMs: null,
    lastSuccessMs: null,
    failing: false,
  };
}

const disabled: TelemetryRuntime = {
  enabled: false,
  metricsHandler: undefined,
  exportStats: () => ({ traces: emptyExportStats(), logs: emptyExportStats() }),
  shutdown: async () => {},
};

const KEY = Symbol.for('adeline.telemetry.runtime');
type Holder = { [KEY]?: TelemetryRuntime };

export function setTelemetryRuntime(rt: TelemetryRuntime): void {
  (globalThis as Holder)[KEY] = rt;
}

export function getTelemetryRuntime(): TelemetryRuntime {
  return (globalThis as Holder)[KEY] ?? disabled;
}

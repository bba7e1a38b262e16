/**
 * Telemetry export (readiness, never worse than degraded): OTLP export failing means the service
 * works but traces and logs are being lost. Disabled telemetry is healthy, and so is telemetry
 * with no collector configured (nothing is exported, so nothing is lost: issue 14).
 */
import { NO_COLLECTOR_MESSAGE } from '../../telemetry/otlp-endpoint.js';
import { requireFunction } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { CheckOutcome } from './types.js';

export interface TelemetryExportStats {
  enabled: boolean;
  /** An OTLP endpoint is configured for traces or logs (default true). */
  configured?: boolean;
  /** True from a failed export until the next successful one. */
  failing: boolean;
  lastError?: string | null;
  /** Failed exports since start. */
  failures?: number;
  /** Spans and log records dropped since start. */
  dropped?: number;
  /** Epoch ms of the last successful export, or null. */
  lastSuccessAtMs?: number | null;
}

export interface TelemetryExportCheckOptions {
  stats: () => TelemetryExportStats;
  /** health.check_interval_ms. */
  intervalMs: number;
  /** Default telemetry_export. */
  name?: string;
}

export class TelemetryExportCheck extends CheckBase {
  private readonly stats: () => TelemetryExportStats;

  constructor(opts: TelemetryExportCheckOptions) {
    super(opts, { name: 'telemetry_export' });
    requireFunction('stats', opts.stats);
    this.stats = opts.stats;
  }

  run(): Promise<CheckOutcome> {
    const s = this.stats();
    const details = {
      enabled: s.enabled,
      configured: s.configured ?? true,
      failing: s.failing,
      last_error: s.lastError ?? null,
      failures: s.failures ?? 0,
      dropped: s.dropped ?? 0,
      last_success_at: s.lastSuccessAtMs ? new Date(s.lastSuccessAtMs).toISOString() : null,
    };
    if (!s.enabled)
      return Promise.resolve({ status: 'healthy', message: 'telemetry disabled', details });
    if (s.configured === false)
      return Promise.resolve({ status: 'healthy', message: NO_COLLECTOR_MESSAGE, details });
    if (s.failing) {
      const why = s.lastError ? `: ${s.lastError}` : '';
      return Promise.resolve({ status: 'degraded', message: `OTLP export failing${why}`, details });
    }
    return Promise.resolve({ status: 'healthy', message: 'OTLP export working', details });
  }
}

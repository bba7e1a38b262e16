/**
 * What the OTLP exporters report: per signal, export outcomes and drops are counted in metrics
 * and in the stats the telemetry_export check reads; a failure streak is logged once, and its end
 * once. Nothing here throws into the SDK (STYLE.md 13).
 */
import type * as LoggerModule from './logger.js';
import type * as MetricsModule from './metrics.js';
import { emptyExportStats, type ExportSignal, type ExportStats } from './runtime.js';

/*
 * metrics.js and logger.js are imported lazily, once: sdk.ts is loaded by bootstrap.ts before the
 * application, and instruments must be created after the SDK is registered. A dynamic import()
 * per report would go through the module loader every time.
 */
let metricsModule: Promise<typeof MetricsModule> | null = null;
let loggerModule: Promise<typeof LoggerModule> | null = null;
export const metricsLater = () => (metricsModule ??= import('./metrics.js'));
export const loggerLater = () => (loggerModule ??= import('./logger.js'));

export class ExportReporter {
  private readonly stats: Record<ExportSignal, ExportStats>;

  constructor(configured: Record<ExportSignal, boolean>) {
    this.stats = {
      traces: emptyExportStats(configured.traces),
      logs: emptyExportStats(configured.logs),
    };
  }

  snapshot(): Record<ExportSignal, ExportStats> {
    return { traces: { ...this.stats.traces }, logs: { ...this.stats.logs } };
  }

  /** A batch was exported. */
  ok(signal: ExportSignal): void {
    const s = this.stats[signal];
    s.lastSuccessMs = Date.now();
    if (!s.failing) return;
    s.failing = false;
    later(async () => {
      const { getLogger, logEvent } = await loggerLater();
      logEvent(
        getLogger('telemetry'),
        'telemetry_export_recovered',
        `${signal} export works again`,
        { signal },
      );
    });
  }

  /** Items dropped without an export attempt: the breaker was open, or the queue was full. */
  dropped(signal: ExportSignal, items: number): void {
    this.stats[signal].dropped += items;
    later(async () => (await metricsLater()).addMetric('telemetryDropped', items, { signal }));
  }

  /** An export was tried and failed; `retryAfterMs` is the breaker's, when one guards it. */
  failed(signal: ExportSignal, items: number, error: string, retryAfterMs?: number): void {
    this.dropped(signal, items);
    const s = this.stats[signal];
    s.failures++;
    s.lastFailureMs = Date.now();
    s.lastError = error;
    later(async () => (await metricsLater()).addMetric('telemetryExportFailures', 1, { signal }));
    if (s.failing) return;
    s.failing = true;
    const retry = retryAfterMs === undefined ? '' : `, tried every ${retryAfterMs / 1000} s`;
    later(async () => {
      const { getLogger, logEvent } = await loggerLater();
      logEvent(
        getLogger('telemetry'),
        'telemetry_export_failed',
        `${signal} export failed; ${signal} are dropped (and counted) until the collector answers again${retry}; logged once`,
        { signal, error },
      );
    });
  }
}

/** Runs a report later, swallowing its failure (telemetry never throws into the SDK). */
function later(fn: () => Promise<unknown>): void {
  fn().catch(() => {});
}

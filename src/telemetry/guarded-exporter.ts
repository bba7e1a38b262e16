/**
 * Wraps an OTLP exporter so that every outcome is reported (export-reporter.ts) and, once the
 * application has handed it a policy (TelemetryRuntime.guardExports), every export goes through
 * that policy: a circuit breaker built in src/resilience/policies.ts from config. While the
 * breaker is open, batches are dropped at once (counted, not serialised, not sent) until a trial
 * export, so a dead collector costs the frames nothing (issue 4, item 6).
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AdelineError, rejectionKindOf } from '../domain/errors.js';
import type { ExportReporter } from './export-reporter.js';
import type { ExportPolicy, ExportSignal } from './runtime.js';

/** An OTLP exporter of spans or log records, as the SDK's processors call it. */
export interface ItemExporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

export interface GuardedExporter<T> extends ItemExporter<T> {
  forceFlush(): Promise<void>;
  /** From now on, exports go through `policy`. */
  guard(policy: ExportPolicy): void;
}

export function guardedExporter<T>(
  signal: ExportSignal,
  inner: ItemExporter<T>,
  reporter: ExportReporter,
): GuardedExporter<T> {
  let policy: ExportPolicy | null = null;
  const attempt = (items: T[]) =>
    new Promise<void>((resolve, reject) =>
      inner.export(items, (r) =>
        r.code === ExportResultCode.SUCCESS
          ? resolve()
          : reject(
              r.error ??
                new AdelineError('ADELINE_ERR_TELEMETRY_EXPORT', `${signal} export failed`),
            ),
      ),
    );
  return {
    export(items, cb) {
      const run = policy ? policy.execute(() => attempt(items)) : attempt(items);
      run.then(
        () => {
          reporter.ok(signal);
          cb({ code: ExportResultCode.SUCCESS });
        },
        (err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          if (rejectionKindOf(err) === 'breaker_open') reporter.dropped(signal, items.length);
          else reporter.failed(signal, items.length, error.message, policy?.halfOpenAfterMs);
          cb({ code: ExportResultCode.FAILED, error });
        },
      );
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
    guard(p) {
      policy = p;
    },
  };
}

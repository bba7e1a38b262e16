/**
 * The one module that wires the OpenTelemetry SDK (DESIGN.md). Everything else uses
 * @opentelemetry/api. Started from bootstrap.ts, before the application is imported.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
} from 'cockatiel';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import {
  BatchLogRecordProcessor,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { AdelineConfig } from '../config/schema.js';
import {
  emptyExportStats,
  setTelemetryRuntime,
  type ExportStats,
  type TelemetryRuntime,
} from './runtime.js';
import { setLightSpanSink } from './light-span.js';
import { resolveOtlpProtocol, type ProtocolChoice } from './otlp-protocol.js';
import type * as LoggerModule from './logger.js';
import type * as MetricsModule from './metrics.js';
import { VERSION } from './version.js';

type Signal = 'traces' | 'logs';

/*
 * metrics.js and logger.js are imported lazily, once: this module is loaded by bootstrap.ts
 * before the application, and instruments must be created after the SDK is registered. A
 * dynamic import() per export would go through the module loader every time.
 */
let metricsModule: Promise<typeof MetricsModule> | null = null;
let loggerModule: Promise<typeof LoggerModule> | null = null;
const metricsLater = () => (metricsModule ??= import('./metrics.js'));
const loggerLater = () => (loggerModule ??= import('./logger.js'));
const stats: Record<Signal, ExportStats> = { traces: emptyExportStats(), logs: emptyExportStats() };

/**
 * Reports export outcomes: counted in metrics, logged once per failure streak. `skipped` means the
 * export breaker was open and the batch was dropped without an attempt (counted as dropped only).
 */
async function noteExport(
  signal: Signal,
  outcome: 'ok' | 'failed' | 'skipped',
  items: number,
  error?: string,
): Promise<void> {
  const s = stats[signal];
  const { addMetric } = await metricsLater();
  if (outcome === 'ok') {
    s.lastSuccessMs = Date.now();
    if (s.failing) {
      s.failing = false;
      const { getLogger, logEvent } = await loggerLater();
      logEvent(
        getLogger('telemetry'),
        'telemetry_export_recovered',
        `${signal} export works again`,
        { signal },
      );
    }
    return;
  }
  s.dropped += items;
  addMetric('telemetryDropped', items, { signal });
  if (outcome === 'skipped') return;
  s.failures++;
  s.lastFailureMs = Date.now();
  s.lastError = error ?? 'export failed';
  addMetric('telemetryExportFailures', 1, { signal });
  if (!s.failing) {
    s.failing = true;
    const { getLogger, logEvent } = await loggerLater();
    logEvent(
      getLogger('telemetry'),
      'telemetry_export_failed',
      `${signal} export failed; ${signal} are dropped (and counted) until the collector answers again, tried every ${EXPORT_RETRY_MS / 1000} s; logged once`,
      { signal, error: s.lastError },
    );
  }
}

/** Time between trial exports while the collector is unreachable, milliseconds. */
const EXPORT_RETRY_MS = 5000;

/**
 * Wraps an exporter with a circuit breaker and counting. After a failed export the breaker opens:
 * batches are then dropped at once (counted, not serialised, not sent) until a trial export after
 * EXPORT_RETRY_MS, so a dead collector costs the frames nothing (issue 4, item 6).
 */
function guardedExport<T>(
  signal: Signal,
  inner: { export(items: T[], cb: (r: ExportResult) => void): void },
) {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: EXPORT_RETRY_MS,
    breaker: new ConsecutiveBreaker(1),
  });
  // While the breaker is open, batches are dropped before cockatiel is asked: asking would build
  // a BrokenCircuitError (with its stack) per batch. The SDK gets one shared error instead.
  let trialAt = 0;
  breaker.onBreak(() => (trialAt = Date.now() + EXPORT_RETRY_MS));
  const skippedError = new Error(
    `${signal} export skipped: the collector failed, next try within ${EXPORT_RETRY_MS / 1000} s`,
  );
  const attempt = (items: T[]) =>
    new Promise<void>((resolve, reject) =>
      inner.export(items, (r) =>
        r.code === ExportResultCode.SUCCESS
          ? resolve()
          : reject(r.error ?? new Error('export failed')),
      ),
    );
  return (items: T[], cb: (r: ExportResult) => void): void => {
    if (breaker.state === CircuitState.Open && Date.now() < trialAt) {
      void noteExport(signal, 'skipped', items.length).catch(() => {});
      cb({ code: ExportResultCode.FAILED, error: skippedError });
      return;
    }
    breaker
      .execute(() => attempt(items))
      .then(
        () => {
          void noteExport(signal, 'ok', items.length).catch(() => {});
          cb({ code: ExportResultCode.SUCCESS });
        },
        (err: unknown) => {
          const skipped = err instanceof BrokenCircuitError;
          const error = err instanceof Error ? err : new Error(String(err));
          void noteExport(
            signal,
            skipped ? 'skipped' : 'failed',
            items.length,
            error.message,
          ).catch(() => {});
          cb({ code: ExportResultCode.FAILED, error });
        },
      );
  };
}

function countingSpanExporter(inner: SpanExporter): SpanExporter {
  return {
    export: guardedExport<ReadableSpan>('traces', inner),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

function countingLogExporter(inner: LogRecordExporter): LogRecordExporter {
  return {
    export: guardedExport<ReadableLogRecord>('logs', inner),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

/** Counts the spans/logs the batch processors drop at a full queue (they only report it to diag). */
function dropCountingDiag(): DiagLogger {
  const onWarn = (msg: string) => {
    const m = /^Dropped (\d+) (spans|logs)/.exec(msg);
    if (!m) return;
    const signal: Signal = m[2] === 'spans' ? 'traces' : 'logs';
    stats[signal].dropped += Number(m[1]);
    void metricsLater().then(({ addMetric }) =>
      addMetric('telemetryDropped', Number(m[1]), { signal }),
    );
  };
  const noop = () => {};
  return { error: noop, warn: onWarn, info: noop, debug: noop, verbose: noop };
}

/** OTEL_EXPORTER_OTLP_*PROTOCOL variables already reported as unsupported. */
const reportedProtocols = new Set<string>();

/** Logs (once per variable) an OTEL_EXPORTER_OTLP_*PROTOCOL value that is not supported. */
function reportUnsupported(choice: ProtocolChoice): void {
  const u = choice.unsupported;
  if (!u || reportedProtocols.has(u.variable)) return;
  reportedProtocols.add(u.variable);
  void loggerLater()
    .then(({ getLogger, logEvent }) =>
      logEvent(
        getLogger('telemetry'),
        'telemetry_protocol_unsupported',
        `${u.variable}=${u.value} is not supported: use http/protobuf or http/json; exporting with ${choice.protocol}`,
        { variable: u.variable, value: u.value, protocol: choice.protocol },
      ),
    )
    .catch(() => {});
}

function endpointFor(
  cfg: AdelineConfig['telemetry'],
  env: NodeJS.ProcessEnv,
  signal: Signal,
): string | undefined {
  // The exporters read OTEL_EXPORTER_OTLP_[TRACES_|LOGS_]ENDPOINT themselves when no url is given.
  const specific =
    signal === 'traces'
      ? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
      : env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || specific) return undefined;
  return `${cfg.otlp.endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

export function startTelemetry(
  config: AdelineConfig,
  env: NodeJS.ProcessEnv = process.env,
): TelemetryRuntime {
  const cfg = config.telemetry;
  diag.setLogger(dropCountingDiag(), DiagLogLevel.WARN);
  const headers = Object.keys(cfg.otlp.headers).length > 0 ? { ...cfg.otlp.headers } : undefined;
  const common = { timeoutMillis: cfg.otlp.timeout_ms, headers };
  const traces = resolveOtlpProtocol(cfg.otlp.protocol, env, 'traces');
  const logs = resolveOtlpProtocol(cfg.otlp.protocol, env, 'logs');
  const traceOptions = { ...common, url: endpointFor(cfg, env, 'traces') };
  const logOptions = { ...common, url: endpointFor(cfg, env, 'logs') };
  const traceExporter = countingSpanExporter(
    traces.protocol === 'http/json'
      ? new OTLPTraceExporterJson(traceOptions)
      : new OTLPTraceExporterProto(traceOptions),
  );
  const logExporter = countingLogExporter(
    logs.protocol === 'http/json'
      ? new OTLPLogExporterJson(logOptions)
      : new OTLPLogExporterProto(logOptions),
  );
  for (const choice of [traces, logs]) if (choice.unsupported) reportUnsupported(choice);
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const serviceName = env.OTEL_SERVICE_NAME ?? cfg.service_name;
  const spanProcessor = cfg.traces.enabled
    ? new BatchSpanProcessor({
        exporter: traceExporter,
        maxQueueSize: cfg.traces.max_queue_size,
        maxExportBatchSize: Math.min(cfg.traces.max_export_batch_size, cfg.traces.max_queue_size),
        scheduledDelayMillis: cfg.traces.scheduled_delay_ms,
        exportTimeoutMillis: cfg.otlp.timeout_ms,
      })
    : null;
  const sdk = new NodeSDK({
    serviceName,
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'service.version': VERSION,
      'service.instance.id':
        env.ADELINE_INSTANCE_ID ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      'deployment.environment.name': cfg.environment,
    }),
    spanProcessors: spanProcessor ? [spanProcessor] : [],
    logRecordProcessors: cfg.logs.export
      ? [
          new BatchLogRecordProcessor({
            exporter: logExporter,
            maxQueueSize: 2048,
            exportTimeoutMillis: cfg.otlp.timeout_ms,
          }),
        ]
      : [],
    metricReaders: [prometheus],
    instrumentations: [
      new PinoInstrumentation({ disableLogSending: !cfg.logs.export }),
      ...(cfg.metrics.runtime
        ? [new RuntimeNodeInstrumentation({ monitoringPrecision: 1000 })]
        : []),
    ],
  });
  sdk.start();
  // Stage spans of a frame skip the SDK's span machinery and go straight to this processor, the
  // provider's only one (light-span.ts explains why).
  if (spanProcessor)
    setLightSpanSink({ onEnd: (span) => spanProcessor.onEnd(span as unknown as ReadableSpan) });
  const host = cfg.metrics.host ? new HostMetrics({ name: 'adeline-host' }) : undefined;
  host?.start();
  let shut = false;
  const runtime: TelemetryRuntime = {
    enabled: true,
    metricsHandler: (req, res) => prometheus.getMetricsRequestHandler(req, res),
    exportStats: () => ({ traces: { ...stats.traces }, logs: { ...stats.logs } }),
    async shutdown() {
      if (shut) return;
      shut = true;
      setLightSpanSink(null);
      try {
        await sdk.shutdown(); // rejects when the final export fails (no collector): expected
      } catch {
        /* counted by the exporters already */
      }
    },
  };
  setTelemetryRuntime(runtime);
  return runtime;
}

/**
 * The one module that wires the OpenTelemetry SDK (DESIGN.md). Everything else uses
 * @opentelemetry/api. Started from bootstrap.ts, before the application is imported.
 *
 * A signal is exported only when an OTLP endpoint is configured for it (otlp-endpoint.ts); with
 * none, traces are still made (trace ids in logs and in MQTT messages) but not kept, and the
 * start-up says so once. Export outcomes are counted by guarded-exporter.ts, queue drops by
 * queue-drop-meter.ts; the application puts the exporters behind a circuit breaker from
 * src/resilience/policies.ts through TelemetryRuntime.guardExports.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
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
import { ExportReporter, loggerLater } from './export-reporter.js';
import { guardedExporter, type GuardedExporter } from './guarded-exporter.js';
import { setLightSpanSink } from './light-span.js';
import { NO_COLLECTOR_MESSAGE, resolveOtlpEndpoint } from './otlp-endpoint.js';
import { resolveOtlpProtocol, type ProtocolChoice } from './otlp-protocol.js';
import { queueDropMeterProvider } from './queue-drop-meter.js';
import { setBootedTelemetry, type ExportSignal, type TelemetryRuntime } from './runtime.js';
import { VERSION } from './version.js';

type TelemetryConfig = AdelineConfig['telemetry'];

/** OTEL_EXPORTER_OTLP_*PROTOCOL variables already reported as unsupported. */
const reportedProtocols = new Set<string>();

/** Logs through the application logger, which is loaded after the SDK. */
function logLater(
  event: 'telemetry_protocol_unsupported' | 'telemetry_export_off',
  msg: string,
  fields: Record<string, unknown>,
): void {
  void loggerLater()
    .then(({ getLogger, logEvent }) => logEvent(getLogger('telemetry'), event, msg, fields))
    .catch(() => {});
}

/** Logs (once per variable) an OTEL_EXPORTER_OTLP_*PROTOCOL value that is not supported. */
function reportUnsupported(choice: ProtocolChoice): void {
  const u = choice.unsupported;
  if (!u || reportedProtocols.has(u.variable)) return;
  reportedProtocols.add(u.variable);
  logLater(
    'telemetry_protocol_unsupported',
    `${u.variable}=${u.value} is not supported: use http/protobuf or http/json; exporting with ${choice.protocol}`,
    { variable: u.variable, value: u.value, protocol: choice.protocol },
  );
}

/** Exporter options of one signal, and its protocol as the config and environment choose it. */
function exporterSetup(
  cfg: TelemetryConfig,
  env: NodeJS.ProcessEnv,
  signal: ExportSignal,
  url: string | undefined,
) {
  const headers = Object.keys(cfg.otlp.headers).length > 0 ? { ...cfg.otlp.headers } : undefined;
  const choice = resolveOtlpProtocol(cfg.otlp.protocol, env, signal);
  reportUnsupported(choice);
  return {
    json: choice.protocol === 'http/json',
    options: { timeoutMillis: cfg.otlp.timeout_ms, headers, url },
  };
}

function traceExporterFor(cfg: TelemetryConfig, env: NodeJS.ProcessEnv, url: string | undefined) {
  const { json, options } = exporterSetup(cfg, env, 'traces', url);
  return json ? new OTLPTraceExporterJson(options) : new OTLPTraceExporterProto(options);
}

function logExporterFor(cfg: TelemetryConfig, env: NodeJS.ProcessEnv, url: string | undefined) {
  const { json, options } = exporterSetup(cfg, env, 'logs', url);
  return json ? new OTLPLogExporterJson(options) : new OTLPLogExporterProto(options);
}

/** The span processor: batches to the guarded exporter, or discards when nothing is exported. */
function spanProcessorFor(
  cfg: TelemetryConfig,
  exporter: GuardedExporter<ReadableSpan> | null,
  reporter: ExportReporter,
): SpanProcessor {
  if (!exporter) return new NoopSpanProcessor();
  return new BatchSpanProcessor({
    exporter,
    maxQueueSize: cfg.traces.max_queue_size,
    maxExportBatchSize: Math.min(cfg.traces.max_export_batch_size, cfg.traces.max_queue_size),
    scheduledDelayMillis: cfg.traces.scheduled_delay_ms,
    exportTimeoutMillis: cfg.otlp.timeout_ms,
    selfObsMeterProvider: queueDropMeterProvider((n) => reporter.dropped('traces', n)),
  });
}

/**
 * Host metric groups. Not `system.network`: host-metrics reads it through systeminformation,
 * which runs shell commands with execSync on the event loop at every collection (14–17 ms each,
 * seen as event-loop spikes in the real-video benchmark). Network counters of the host belong to
 * the node's own exporter (the collector's hostmetrics receiver or node_exporter).
 */
export const HOST_METRIC_GROUPS = ['system.cpu', 'system.memory', 'process.cpu', 'process.memory'];

export function startTelemetry(
  config: AdelineConfig,
  env: NodeJS.ProcessEnv = process.env,
): TelemetryRuntime {
  const cfg = config.telemetry;
  const traceEndpoint = resolveOtlpEndpoint(cfg.otlp.endpoint, env, 'traces');
  const logEndpoint = resolveOtlpEndpoint(cfg.otlp.endpoint, env, 'logs');
  const reporter = new ExportReporter({
    traces: traceEndpoint.configured,
    logs: logEndpoint.configured,
  });
  const traceExporter =
    cfg.traces.enabled && traceEndpoint.configured
      ? guardedExporter('traces', traceExporterFor(cfg, env, traceEndpoint.url), reporter)
      : null;
  const logExporter =
    cfg.logs.export && logEndpoint.configured
      ? guardedExporter('logs', logExporterFor(cfg, env, logEndpoint.url), reporter)
      : null;
  const unexported = [
    ...(cfg.traces.enabled && !traceEndpoint.configured ? ['traces'] : []),
    ...(cfg.logs.export && !logEndpoint.configured ? ['logs'] : []),
  ];
  if (unexported.length > 0)
    logLater(
      'telemetry_export_off',
      `${unexported.join(' and ')} are not exported: ${NO_COLLECTOR_MESSAGE}`,
      {
        signals: unexported,
      },
    );
  // With traces on but no collector, spans are still made (trace ids in logs and in MQTT
  // messages, which consumers may continue) and discarded at the end.
  const spanProcessor = cfg.traces.enabled ? spanProcessorFor(cfg, traceExporter, reporter) : null;
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const serviceName = env.OTEL_SERVICE_NAME ?? cfg.service_name;
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
    logRecordProcessors: logExporter
      ? [
          new BatchLogRecordProcessor({
            exporter: logExporter,
            maxQueueSize: 2048,
            exportTimeoutMillis: cfg.otlp.timeout_ms,
            selfObsMeterProvider: queueDropMeterProvider((n) => reporter.dropped('logs', n)),
          }),
        ]
      : [],
    metricReaders: [prometheus],
    instrumentations: [
      new PinoInstrumentation({ disableLogSending: !logExporter }),
      ...(cfg.metrics.runtime
        ? [new RuntimeNodeInstrumentation({ monitoringPrecision: 1000 })]
        : []),
    ],
  });
  sdk.start();
  // Stage spans of a frame skip the SDK's span machinery and go straight to this processor, the
  // provider's only one (light-span.ts explains why).
  if (spanProcessor) setLightSpanSink({ onEnd: (span) => spanProcessor.onEnd(span) });
  const host = cfg.metrics.host
    ? new HostMetrics({ name: 'adeline-host', metricGroups: HOST_METRIC_GROUPS })
    : undefined;
  host?.start();
  let shut = false;
  const runtime: TelemetryRuntime = {
    enabled: true,
    metricsHandler: (req, res) => prometheus.getMetricsRequestHandler(req, res),
    exportStats: () => reporter.snapshot(),
    guardExports(policies) {
      traceExporter?.guard(policies.traces);
      logExporter?.guard(policies.logs);
    },
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
  setBootedTelemetry(runtime);
  return runtime;
}

/** Config sections: LoggingSchema, TelemetrySchema, HealthSchema. Units and defaults are in each description. */
import { z } from 'zod';
import { posInt, nullableString } from './helpers.js';
import { traceLinkTemplate } from './live-view.js';

export const LoggingSchema = z.object({
  level: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(
      z.enum(['trace', 'debug', 'info', 'warning', 'warn', 'error', 'critical', 'fatal', 'silent']),
    )
    .transform((s) => (s === 'warning' ? 'warn' : s === 'critical' ? 'fatal' : s))
    .default('info')
    .describe(
      'Log level: trace, debug, info, warn, error, fatal or silent (Python names INFO, WARNING, CRITICAL accepted).',
    ),
  json_indent: z
    .number()
    .int()
    .min(0)
    .max(8)
    .nullable()
    .default(null)
    .describe('Python key, accepted and ignored: logs are one JSON object per line.'),
  paho_level: z.string().default('WARNING').describe('Python key, accepted and ignored.'),
  file: nullableString('Also append JSON logs to this file.'),
  max_bytes: posInt(
    10 * 1024 * 1024,
    0,
    2 ** 40,
    'Python key, accepted; rotate with logrotate (docs/operations.md).',
  ),
  backup_count: posInt(5, 0, 1000, 'Python key, accepted; rotate with logrotate.'),
  pretty: z
    .enum(['auto', 'always', 'never'])
    .default('auto')
    .describe('Pretty-print logs: auto means when stdout is a TTY.'),
});

export const TelemetrySchema = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe('false turns traces, metrics and log export off (OTEL_SDK_DISABLED=true does too).'),
  service_name: z
    .string()
    .min(1)
    .default('adeline')
    .describe('service.name (OTEL_SERVICE_NAME overrides).'),
  environment: z
    .string()
    .min(1)
    .default('development')
    .describe('deployment.environment.name resource attribute.'),
  otlp: z
    .object({
      endpoint: z
        .string()
        .url()
        .nullable()
        .default(null)
        .describe(
          'OTLP/HTTP base URL of the collector, e.g. http://127.0.0.1:4318 (OTEL_EXPORTER_OTLP_ENDPOINT overrides); /v1/traces and /v1/logs are appended. Default null: unless an OTEL_EXPORTER_OTLP_*ENDPOINT variable names one, traces and logs are not exported (/metrics still works) and telemetry_export reports "no collector configured".',
        ),
      headers: z
        .record(z.string(), z.string())
        .default({})
        .describe('Extra OTLP headers (values masked). OTEL_EXPORTER_OTLP_HEADERS overrides.'),
      timeout_ms: posInt(
        2000,
        100,
        60000,
        'Export timeout, milliseconds. Short, so a dead collector costs little.',
      ),
      protocol: z
        .enum(['http/protobuf', 'http/json'])
        .default('http/protobuf')
        .describe(
          'OTLP/HTTP encoding of traces and logs. http/protobuf (the OTLP default) sends a third of the bytes of http/json. OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL and OTEL_EXPORTER_OTLP_LOGS_PROTOCOL override; grpc is not supported (a warning, then this value).',
        ),
    })
    .prefault({}),
  traces: z
    .object({
      enabled: z.boolean().default(true).describe('Export traces.'),
      max_queue_size: posInt(
        2048,
        16,
        1_000_000,
        'Spans buffered for export; beyond it spans are dropped and counted.',
      ),
      max_export_batch_size: posInt(
        512,
        1,
        100_000,
        'Spans per export request (at most max_queue_size). Each request has a fixed cost, so larger batches cost less per span; each batch is serialised on the main thread in one go (about 2 ms for 512 spans), so very large ones delay the event loop.',
      ),
      scheduled_delay_ms: posInt(1000, 10, 600000, 'Export interval, milliseconds.'),
    })
    .prefault({}),
  logs: z
    .object({
      export: z.boolean().default(true).describe('Send log records over OTLP as well as stdout.'),
    })
    .prefault({}),
  metrics: z
    .object({
      host: z
        .boolean()
        .default(true)
        .describe(
          'Host and process CPU and memory metrics from @opentelemetry/host-metrics (not network: it runs shell commands on the event loop).',
        ),
      runtime: z
        .boolean()
        .default(true)
        .describe('Node runtime metrics from @opentelemetry/instrumentation-runtime-node.'),
      port: z
        .number()
        .int()
        .min(0)
        .max(65535)
        .nullable()
        .default(null)
        .describe('Serve /metrics on a second port too. Null: only on health.port.'),
    })
    .prefault({}),
  trace_link_template: traceLinkTemplate,
});

export const HealthSchema = z.object({
  host: z
    .string()
    .default('127.0.0.1')
    .describe('Listen address of the health/metrics server (0.0.0.0 in containers).'),
  port: posInt(8080, 0, 65535, 'Listen port of the health/metrics server. 0 picks a free port.'),
  enabled: z.boolean().default(true).describe('Serve the health/metrics endpoints.'),
  check_interval_ms: posInt(
    1000,
    50,
    600000,
    'How often checks run, milliseconds. Probes read the cached result.',
  ),
  stall_factor: posInt(
    5,
    1,
    1000,
    'A source is stalled after this many expected frame intervals with no frame.',
  ),
  stall_min_ms: posInt(
    2000,
    100,
    600000,
    'A source is never reported stalled sooner than this, milliseconds.',
  ),
  model_probe_interval_ms: posInt(
    30000,
    100,
    3600000,
    'Interval of the probe inference, milliseconds.',
  ),
  slow_inference_ms: posInt(
    1000,
    1,
    600000,
    'A probe inference slower than this is degraded, milliseconds.',
  ),
  event_loop_degraded_ms: posInt(
    100,
    1,
    60000,
    'Event-loop delay p99 above this is degraded, milliseconds.',
  ),
  event_loop_unhealthy_ms: posInt(
    2000,
    1,
    600000,
    'Event-loop delay max above this is unhealthy, milliseconds.',
  ),
  model_output: z
    .object({
      empty_frames: posInt(
        300,
        0,
        1_000_000_000,
        'Health check model_output: degraded after this many processed frames in a row with no detection above models.confidence, while frames flow (a blind model: preprocessing, threshold, labels), frames. Default 300. 0 turns this sign off, for scenes that are legitimately empty.',
      ),
      saturated_frames: posInt(
        300,
        0,
        1_000_000_000,
        'Health check model_output: degraded after this many processed frames in a row whose detection scores are pinned at 1 (at least 90 % of the detections at confidence >= 0.99: the input is out of the range the model expects, typically models.preprocess.scale), frames. Default 300. 0 turns this sign off.',
      ),
    })
    .prefault({}),
});

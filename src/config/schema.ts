/**
 * The configuration schema: every option, its unit, default and range, in one place.
 * Sections and keys of the Python Adeline (ADELINE-SPEC.md §6) keep their names and defaults,
 * except where noted in the description. docs/configuration.md is generated from this file
 * (`npm run docs:config`) and a test keeps the two in step.
 */
import { z } from 'zod';

const prob = (d: number, desc: string) => z.number().min(0).max(1).default(d).describe(desc);
const posInt = (d: number, min: number, max: number, desc: string) =>
  z.number().int().min(min).max(max).default(d).describe(desc);
const nullableString = (desc: string) => z.string().min(1).nullable().default(null).describe(desc);

export const SourceSchema = z
  .object({
    id: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('Source id published as frame.source_id. Default: its index in the list.'),
    url: z
      .string()
      .min(1)
      .describe(
        'What to read: `synthetic:` (the built-in scene), a file path or `file:` URL, or an `rtsp://`, `rtsps://`, `http://` or `https://` stream.',
      ),
    max_fps: z
      .number()
      .min(0)
      .max(1000)
      .optional()
      .describe('Per-source cap, frames/s. Default: pipeline.max_fps.'),
    live: z
      .boolean()
      .optional()
      .describe(
        'Live sources drop stale frames (latest wins); non-live deliver every frame in order. Default: true for streams and synthetic, false for files.',
      ),
    loop: z
      .boolean()
      .default(false)
      .describe('Files only: restart at end of file instead of ending.'),
  })
  .strict();

const PipelineSchema = z.object({
  rtsp_url: nullableString(
    'Python key. One source URL or file path, used as source 0 when pipeline.sources is empty. Default null: the synthetic scene.',
  ),
  model_id: z
    .string()
    .default('yolov11n-640')
    .describe(
      'Python key, accepted for compatibility and ignored: Adeline runs local ONNX models (models.local_path).',
    ),
  max_fps: z
    .number()
    .min(0)
    .max(1000)
    .default(2)
    .describe('Processing cap per source, frames/s. 0 means no cap. Python range was 1–30.'),
  enable_visualization: z
    .boolean()
    .default(true)
    .describe('Python key, accepted and ignored: the service is headless.'),
  display_statistics: z
    .boolean()
    .default(true)
    .describe('Show the live progress line of `adeline run` when stderr is a TTY.'),
  sources: z
    .array(SourceSchema)
    .max(64)
    .default([])
    .describe(
      'Video sources, processed concurrently in one process. Empty: pipeline.rtsp_url, else the synthetic scene.',
    ),
  max_in_flight: posInt(
    2,
    1,
    16,
    'Frames admitted to the pipeline at once, across all sources. 2 overlaps preparing frame N+1 with inferring frame N.',
  ),
});

const SyntheticSchema = z.object({
  width: posInt(640, 64, 4096, 'Frame width, pixels.'),
  height: posInt(480, 64, 4096, 'Frame height, pixels.'),
  fps: z.number().min(0.1).max(240).default(15).describe('Frames/s the scene produces when live.'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42)
    .describe('Scene seed: the same seed gives the same frames.'),
  max_figures: posInt(3, 0, 8, 'Most person-like figures in the scene at once.'),
  fall_probability: prob(0.3, 'Chance that a figure falls (tall box turns wide) during its visit.'),
  live: z
    .boolean()
    .default(true)
    .describe(
      'true: paced at synthetic.fps like a camera. false: frames as fast as the pipeline takes them (benchmarks).',
    ),
});

const ModelsSchema = z.object({
  use_local: z
    .boolean()
    .default(false)
    .describe('Python key, accepted and ignored: models are always local ONNX files.'),
  local_path: z
    .string()
    .min(1)
    .default('models/adeline-demo.onnx')
    .describe(
      'ONNX model file. Default: the bundled demo detector (Python default was models/yolov11n-320.onnx).',
    ),
  imgsz: z
    .number()
    .int()
    .min(64)
    .max(1280)
    .refine((v) => v % 32 === 0, { message: 'must be a multiple of 32 (e.g. 320, 416, 640)' })
    .default(320)
    .describe(
      'Model input size, pixels (square). A model with a fixed input size overrides it, with a warning.',
    ),
  confidence: prob(0.25, 'Minimum detection confidence.'),
  iou_threshold: prob(0.45, 'Non-maximum suppression IoU threshold (per class).'),
  layout: z
    .enum(['auto', 'yolov8', 'yolov5', 'yolox', 'end2end'])
    .default('auto')
    .describe('Output layout. auto: detected from the output shapes and metadata.'),
  labels_file: nullableString(
    'Class names, one per line (or a JSON array). Default: the model metadata `names`, else class_<id>.',
  ),
  intra_op_threads: posInt(2, 1, 64, 'ONNX Runtime intra-op threads for the inference worker.'),
});

const MqttSchema = z.object({
  broker: z
    .object({
      url: nullableString(
        'Broker URL (mqtt://, mqtts://, ws://). Takes precedence over host/port.',
      ),
      host: nullableString(
        'Broker host. Null (default) with no url: start the embedded broker and connect to it. Python default was localhost.',
      ),
      port: posInt(1883, 1, 65535, 'Broker port, when host is set.'),
      username: nullableString('Username. Env MQTT_USERNAME overrides it.'),
      password: nullableString('Password (masked in output). Env MQTT_PASSWORD overrides it.'),
    })
    .prefault({}),
  embedded: z
    .object({
      host: z.string().default('127.0.0.1').describe('Listen address of the embedded broker.'),
      port: posInt(1883, 0, 65535, 'Listen port of the embedded broker. 0 picks a free port.'),
    })
    .prefault({}),
  client_id_prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1–40 letters, digits, _ or -')
    .default('adeline')
    .describe('Client ids are <prefix>-<role>-<host>-<pid>-<random>, unique per instance.'),
  protocol_version: z
    .union([z.literal(5), z.literal(4)])
    .default(5)
    .describe('MQTT 5, falling back to 3.1.1 if the broker refuses 5. Set 4 to use 3.1.1 only.'),
  keepalive_s: posInt(60, 0, 65535, 'Keepalive interval, seconds.'),
  connect_timeout_ms: posInt(10000, 100, 600000, 'Connect timeout, milliseconds.'),
  reconnect: z
    .object({
      initial_delay_ms: posInt(500, 10, 600000, 'First reconnect delay, milliseconds.'),
      max_delay_ms: posInt(
        30000,
        10,
        3600000,
        'Reconnect delay cap, milliseconds (exponential backoff).',
      ),
    })
    .prefault({}),
  tls: z
    .object({
      enabled: z.boolean().default(false).describe('Use TLS (implied by an mqtts:// url).'),
      ca_file: nullableString('CA certificate (PEM) to verify the broker.'),
      cert_file: nullableString('Client certificate (PEM) for mutual TLS.'),
      key_file: nullableString('Client private key (PEM) for mutual TLS.'),
      reject_unauthorized: z.boolean().default(true).describe('Verify the broker certificate.'),
    })
    .prefault({}),
  topics: z
    .object({
      control_commands: z
        .string()
        .min(1)
        .default('inference/control/commands')
        .describe('Commands in (QoS 1).'),
      control_status: z
        .string()
        .min(1)
        .default('inference/control/status')
        .describe('Status out (QoS 1, retained).'),
      data: z
        .string()
        .min(1)
        .default('inference/data/detections')
        .describe('Detections out, one per frame (QoS qos.data).'),
      metrics: z
        .string()
        .min(1)
        .default('inference/data/metrics')
        .describe('Metrics out, on the metrics command (QoS 0).'),
      availability: z
        .string()
        .min(1)
        .default('inference/control/availability')
        .describe('online/offline (retained; offline is the last will).'),
    })
    .prefault({}),
  qos: z
    .object({
      control: z
        .union([z.literal(0), z.literal(1), z.literal(2)])
        .default(1)
        .describe('QoS of status replies.'),
      data: z
        .union([z.literal(0), z.literal(1), z.literal(2)])
        .default(0)
        .describe('QoS of detection messages.'),
    })
    .prefault({}),
});

const StabilizationSchema = z
  .object({
    mode: z
      .enum(['none', 'temporal'])
      .default('none')
      .describe('Temporal hysteresis stabilisation, or none.'),
    temporal: z
      .object({
        min_frames: posInt(3, 1, 1000, 'Consecutive frames before a track is confirmed.'),
        max_gap: posInt(2, 0, 1000, 'Frames a track may be missed before it is removed.'),
      })
      .prefault({}),
    hysteresis: z
      .object({
        appear_confidence: prob(0.5, 'Confidence needed to start or confirm a track.'),
        persist_confidence: prob(0.3, 'Confidence needed to keep a confirmed track.'),
      })
      .prefault({}),
    iou: z
      .object({ threshold: prob(0.3, 'IoU to match a detection to a track of its class.') })
      .prefault({}),
  })
  .superRefine((v, ctx) => {
    if (v.hysteresis.persist_confidence > v.hysteresis.appear_confidence) {
      ctx.addIssue({
        code: 'custom',
        path: ['hysteresis', 'persist_confidence'],
        message: `must be <= hysteresis.appear_confidence (${v.hysteresis.appear_confidence})`,
      });
    }
  });

const RoiSchema = z
  .object({
    mode: z.enum(['none', 'adaptive', 'fixed']).default('none').describe('ROI strategy.'),
    adaptive: z
      .object({
        margin: z
          .number()
          .min(0)
          .max(1)
          .default(0.2)
          .describe('Margin around the detections, fraction of the frame size.'),
        smoothing: prob(0.3, 'Weight of the previous ROI (0: none).'),
        min_roi_multiple: posInt(1, 1, 100, 'Smallest ROI side, in multiples of models.imgsz.'),
        max_roi_multiple: posInt(4, 1, 100, 'Largest ROI side, in multiples of models.imgsz.'),
        show_statistics: z
          .boolean()
          .default(true)
          .describe('Add roi_metrics to detection messages.'),
        resize_to_model: z
          .boolean()
          .default(false)
          .describe('Upscale crops smaller than imgsz to imgsz.'),
      })
      .prefault({}),
    fixed: z
      .object({
        x_min: prob(0.2, 'Left edge, fraction of the frame width.'),
        y_min: prob(0.2, 'Top edge, fraction of the frame height.'),
        x_max: prob(0.8, 'Right edge, fraction of the frame width.'),
        y_max: prob(0.8, 'Bottom edge, fraction of the frame height.'),
        show_overlay: z
          .boolean()
          .default(true)
          .describe('Python key, accepted and ignored (no preview window). Also adds roi_metrics.'),
        resize_to_model: z
          .boolean()
          .default(false)
          .describe('Python key, accepted; no effect for fixed ROI (as in Python).'),
      })
      .prefault({}),
  })
  .superRefine((v, ctx) => {
    const a = v.adaptive;
    if (a.min_roi_multiple > a.max_roi_multiple) {
      ctx.addIssue({
        code: 'custom',
        path: ['adaptive', 'min_roi_multiple'],
        message: `must be <= adaptive.max_roi_multiple (${a.max_roi_multiple})`,
      });
    }
    const f = v.fixed;
    if (f.x_min >= f.x_max)
      ctx.addIssue({
        code: 'custom',
        path: ['fixed', 'x_min'],
        message: `must be < fixed.x_max (${f.x_max})`,
      });
    if (f.y_min >= f.y_max)
      ctx.addIssue({
        code: 'custom',
        path: ['fixed', 'y_min'],
        message: `must be < fixed.y_max (${f.y_max})`,
      });
  });

const LoggingSchema = z.object({
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

const TelemetrySchema = z.object({
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
        .default('http://127.0.0.1:4318')
        .describe(
          'OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT overrides). /v1/traces and /v1/logs are appended.',
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
      max_export_batch_size: posInt(512, 1, 100_000, 'Spans per export request.'),
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
        .describe('Host metrics (CPU, memory, network) from @opentelemetry/host-metrics.'),
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
});

const HealthSchema = z.object({
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
});

const ResilienceSchema = z.object({
  publish: z
    .object({
      bulkhead: z
        .object({
          limit: posInt(64, 1, 100000, 'Concurrent publishes in flight.'),
          queue: posInt(
            1024,
            0,
            1_000_000,
            'Publishes waiting for a slot; beyond it they are rejected and spooled.',
          ),
        })
        .prefault({}),
      breaker: z
        .object({
          consecutive_failures: posInt(5, 1, 10000, 'Consecutive failures that open the breaker.'),
          half_open_after_ms: posInt(
            2000,
            10,
            3600000,
            'Time the breaker stays open before a trial call, milliseconds.',
          ),
        })
        .prefault({}),
      retry: z
        .object({
          max_attempts: posInt(2, 0, 100, 'Retries after the first attempt.'),
          initial_delay_ms: posInt(
            50,
            1,
            600000,
            'First retry delay, milliseconds (exponential, with jitter).',
          ),
          max_delay_ms: posInt(1000, 1, 600000, 'Retry delay cap, milliseconds.'),
        })
        .prefault({}),
      timeout_ms: posInt(2000, 10, 600000, 'Timeout of one publish attempt, milliseconds.'),
    })
    .prefault({}),
  source_reconnect: z
    .object({
      initial_delay_ms: posInt(500, 10, 600000, 'First reconnect delay, milliseconds.'),
      max_delay_ms: posInt(
        30000,
        10,
        3600000,
        'Reconnect delay cap, milliseconds. Reconnects go on forever.',
      ),
    })
    .prefault({}),
  inference: z
    .object({
      timeout_ms: posInt(
        5000,
        10,
        600000,
        'Timeout of one inference run, milliseconds; the worker is restarted after one.',
      ),
      breaker: z
        .object({
          consecutive_failures: posInt(
            3,
            1,
            10000,
            'Consecutive failures that open the breaker (model unhealthy).',
          ),
          half_open_after_ms: posInt(
            5000,
            10,
            3600000,
            'Time before a trial inference, milliseconds.',
          ),
        })
        .prefault({}),
    })
    .prefault({}),
});

const SpoolSchema = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe('Spool detection messages to disk while publishing fails.'),
  dir: z.string().min(1).default('var/spool').describe('Spool directory (created if missing).'),
  max_bytes: posInt(
    64 * 1024 * 1024,
    4096,
    2 ** 40,
    'Spool size cap, bytes; the oldest records are dropped beyond it.',
  ),
  segment_bytes: posInt(4 * 1024 * 1024, 1024, 2 ** 32, 'Segment file size, bytes.'),
  fsync: z
    .enum(['always', 'interval', 'never'])
    .default('interval')
    .describe(
      'always: fsync each record; interval: every fsync_interval_ms; never: leave it to the OS.',
    ),
  fsync_interval_ms: posInt(1000, 1, 600000, 'fsync interval, milliseconds (fsync: interval).'),
});

const ShutdownSchema = z.object({
  grace_period: z
    .number()
    .min(0.1)
    .max(3600)
    .default(10)
    .describe('Seconds from SIGTERM to exit. Match Kubernetes terminationGracePeriodSeconds.'),
});

export const ConfigSchema = z.object({
  pipeline: PipelineSchema.prefault({}),
  synthetic: SyntheticSchema.prefault({}),
  models: ModelsSchema.prefault({}),
  mqtt: MqttSchema.prefault({}),
  detection_stabilization: StabilizationSchema.prefault({}),
  roi_strategy: RoiSchema.prefault({}),
  logging: LoggingSchema.prefault({}),
  telemetry: TelemetrySchema.prefault({}),
  health: HealthSchema.prefault({}),
  resilience: ResilienceSchema.prefault({}),
  spool: SpoolSchema.prefault({}),
  shutdown: ShutdownSchema.prefault({}),
});

export type AdelineConfig = z.output<typeof ConfigSchema>;
export type SourceConfig = z.output<typeof SourceSchema>;

/** Key paths whose values are secrets: masked by `config check` and in logs. */
export const SECRET_PATHS = ['mqtt.broker.password', 'telemetry.otlp.headers'] as const;

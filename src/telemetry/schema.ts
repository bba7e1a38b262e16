/**
 * The telemetry schema: the one place that names every span, attribute, metric and log event.
 * docs/telemetry.md lists the same things; test/unit/telemetry-doc.test.ts keeps them in step
 * (regenerate the tables with `npm run docs:telemetry`).
 *
 * Metric names are the names Prometheus shows. `metrics.ts` creates the instruments from them;
 * counters drop `_total`, which the Prometheus exporter appends again (it adds no unit suffix).
 */

export const SPANS = {
  frame: { name: 'adeline.frame', description: 'Root span of one frame, from capture to publish.' },
  capture: {
    name: 'adeline.capture',
    description: 'Reading and decoding the frame (ffmpeg or synthetic render).',
  },
  roi: { name: 'adeline.roi', description: 'Choosing the region of interest for the frame.' },
  preprocess: {
    name: 'adeline.preprocess',
    description: 'Letterboxing the ROI into the model input tensor.',
  },
  inference: {
    name: 'adeline.inference',
    description: 'ONNX Runtime session.run in the worker thread (timed by the worker).',
  },
  postprocess: {
    name: 'adeline.postprocess',
    description: 'Decoding the output layout, NMS, mapping boxes to frame pixels.',
  },
  stabilize: {
    name: 'adeline.stabilize',
    description: 'Temporal hysteresis stabilisation and adaptive ROI update.',
  },
  publish: {
    name: 'adeline.publish',
    description: 'Handing the detection message to the MQTT data plane (publish or spool).',
  },
  command: {
    name: 'adeline.command',
    description:
      'Handling one MQTT control command; continues the sender trace if traceparent is set.',
  },
  lifecycle: {
    name: 'adeline.lifecycle',
    description: 'Service start or stop (attribute adeline.lifecycle.phase).',
  },
  spoolReplay: {
    name: 'adeline.spool.replay',
    description: 'Replaying one spooled message; linked to its frame trace.',
  },
  modelProbe: {
    name: 'adeline.model.probe',
    description: 'Periodic probe inference of the model health check.',
  },
} as const;

/** Stage names, in pipeline order: the `stage` label and the child span of each. */
export const STAGES = [
  'capture',
  'roi',
  'preprocess',
  'inference',
  'postprocess',
  'stabilize',
  'publish',
] as const;
export type Stage = (typeof STAGES)[number];

export const ATTRS = {
  sourceId: { name: 'adeline.source.id', type: 'int', description: 'Source id (frame.source_id).' },
  frameSeq: {
    name: 'adeline.frame.seq',
    type: 'int',
    description: 'Frame sequence number within its source (frame.frame_id).',
  },
  frameWidth: { name: 'adeline.frame.width', type: 'int', description: 'Frame width, pixels.' },
  frameHeight: { name: 'adeline.frame.height', type: 'int', description: 'Frame height, pixels.' },
  model: { name: 'adeline.model.name', type: 'string', description: 'Model file name.' },
  detectionCount: {
    name: 'adeline.detection.count',
    type: 'int',
    description: 'Detections published for the frame.',
  },
  roiMode: {
    name: 'adeline.roi.mode',
    type: 'string',
    description: 'ROI mode: none, fixed or adaptive.',
  },
  frameDropped: {
    name: 'adeline.frame.dropped',
    type: 'boolean',
    description: 'The frame was dropped before it was published.',
  },
  framePaused: {
    name: 'adeline.frame.paused',
    type: 'boolean',
    description: 'The pipeline was paused while the frame was in flight.',
  },
  messageId: {
    name: 'adeline.message.id',
    type: 'int',
    description: 'message_id of the published detection message.',
  },
  spooled: {
    name: 'adeline.publish.spooled',
    type: 'boolean',
    description: 'The message went to the disk spool instead of the broker.',
  },
  roiCrop: {
    name: 'adeline.roi.crop',
    type: 'string',
    description: 'Crop rectangle x1,y1,x2,y2 in frame pixels.',
  },
  inferenceQueueMs: {
    name: 'adeline.inference.queue_ms',
    type: 'double',
    description: 'Time the input waited for the worker, milliseconds.',
  },
  command: { name: 'adeline.command.name', type: 'string', description: 'Control command name.' },
  commandOutcome: { name: 'adeline.command.outcome', type: 'string', description: 'ok or error.' },
  lifecyclePhase: {
    name: 'adeline.lifecycle.phase',
    type: 'string',
    description: 'start or stop.',
  },
  errorType: {
    name: 'error.type',
    type: 'string',
    description: 'Error type label (semconv), set on ERROR spans.',
  },
  messagingSystem: {
    name: 'messaging.system',
    type: 'string',
    description: 'Always mqtt (semconv).',
  },
  messagingDestination: {
    name: 'messaging.destination.name',
    type: 'string',
    description: 'MQTT topic (semconv).',
  },
  policyService: {
    name: 'adeline.policy.service',
    type: 'string',
    description: 'Which resilience policy raised a span event.',
  },
  retryAttempt: {
    name: 'adeline.retry.attempt',
    type: 'int',
    description: 'Retry number (1 = first retry) on an adeline.retry span event.',
  },
} as const;

/** Span events added by resilience policies and the pipeline. */
export const SPAN_EVENTS = {
  breakerOpen: 'adeline.breaker.open',
  breakerHalfOpen: 'adeline.breaker.half_open',
  breakerClosed: 'adeline.breaker.closed',
  retry: 'adeline.retry',
  timeout: 'adeline.timeout',
  bulkheadRejected: 'adeline.bulkhead.rejected',
  spooled: 'adeline.spooled',
} as const;

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'updowncounter';

export interface MetricDef {
  /** Name as Prometheus shows it. */
  name: string;
  type: MetricType;
  /** UCUM unit given to the OTel instrument ('1' for dimensionless). */
  unit: string;
  description: string;
  labels: readonly string[];
  /** Explicit histogram bucket boundaries, in the metric's unit. */
  buckets?: readonly number[];
}

/** Seconds buckets for video: 1 ms to 10 s. */
export const SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 0.75,
  1, 2.5, 5, 10,
] as const;

const m = (def: MetricDef): MetricDef => def;

export const METRICS = {
  framesRead: m({
    name: 'adeline_frames_read_total',
    type: 'counter',
    unit: '1',
    description: 'Frames delivered by sources, before any drop.',
    labels: ['source_id'],
  }),
  framesProcessed: m({
    name: 'adeline_frames_processed_total',
    type: 'counter',
    unit: '1',
    description: 'Frames that went through the whole pipeline (published or spooled).',
    labels: ['source_id'],
  }),
  framesDropped: m({
    name: 'adeline_frames_dropped_total',
    type: 'counter',
    unit: '1',
    description:
      'Frames dropped, by reason: max_fps, backpressure (stale frame replaced), paused, error, shutdown.',
    labels: ['source_id', 'reason'],
  }),
  detections: m({
    name: 'adeline_detections_total',
    type: 'counter',
    unit: '1',
    description: 'Detections published, by class.',
    labels: ['class', 'source_id'],
  }),
  inferenceDuration: m({
    name: 'adeline_inference_duration_seconds',
    type: 'histogram',
    unit: 's',
    description: 'ONNX Runtime session.run time, measured in the worker.',
    labels: [],
    buckets: SECONDS_BUCKETS,
  }),
  stageDuration: m({
    name: 'adeline_stage_duration_seconds',
    type: 'histogram',
    unit: 's',
    description: 'Time per pipeline stage.',
    labels: ['stage'],
    buckets: SECONDS_BUCKETS,
  }),
  frameLatency: m({
    name: 'adeline_frame_latency_seconds',
    type: 'histogram',
    unit: 's',
    description: 'End-to-end latency, capture to publish.',
    labels: ['source_id'],
    buckets: SECONDS_BUCKETS,
  }),
  activeTracks: m({
    name: 'adeline_active_tracks',
    type: 'gauge',
    unit: '1',
    description: 'Active stabilisation tracks.',
    labels: ['source_id'],
  }),
  memoryUsage: m({
    name: 'adeline_memory_usage_bytes',
    type: 'gauge',
    unit: 'By',
    description: 'Process memory, by type: rss, heap_used, heap_total, external, array_buffers.',
    labels: ['type'],
  }),
  errors: m({
    name: 'adeline_errors_total',
    type: 'counter',
    unit: '1',
    description:
      'Errors, by error_type (the error code without its prefix) and stage or component.',
    labels: ['error_type', 'component'],
  }),
  breakerState: m({
    name: 'adeline_circuit_breaker_state',
    type: 'gauge',
    unit: '1',
    description: 'Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 isolated.',
    labels: ['service'],
  }),
  breakerTransitions: m({
    name: 'adeline_circuit_breaker_transitions_total',
    type: 'counter',
    unit: '1',
    description: 'Breaker state changes, by the state entered.',
    labels: ['service', 'state'],
  }),
  policyCalls: m({
    name: 'adeline_policy_calls_total',
    type: 'counter',
    unit: '1',
    description:
      'Calls through a resilience policy, by outcome: success, failure, rejected (breaker open or bulkhead full), timeout.',
    labels: ['service', 'outcome'],
  }),
  retries: m({
    name: 'adeline_retries_total',
    type: 'counter',
    unit: '1',
    description: 'Retry attempts.',
    labels: ['service'],
  }),
  timeouts: m({
    name: 'adeline_timeouts_total',
    type: 'counter',
    unit: '1',
    description: 'Calls ended by a policy timeout.',
    labels: ['service'],
  }),
  bulkheadRejections: m({
    name: 'adeline_bulkhead_rejections_total',
    type: 'counter',
    unit: '1',
    description: 'Calls rejected by a full bulkhead.',
    labels: ['service'],
  }),
  sourceFps: m({
    name: 'adeline_source_fps',
    type: 'gauge',
    unit: '1',
    description: 'Frames/s a source delivers, over the last few seconds.',
    labels: ['source_id'],
  }),
  sourceState: m({
    name: 'adeline_source_state',
    type: 'gauge',
    unit: '1',
    description:
      '1 for the state a source is in, 0 for the others: connecting, delivering, backpressured, reconnecting, stalled, paused, ended, failed.',
    labels: ['source_id', 'state'],
  }),
  sourceReconnects: m({
    name: 'adeline_source_reconnects_total',
    type: 'counter',
    unit: '1',
    description: 'Stream reconnect attempts.',
    labels: ['source_id'],
  }),
  mqttPublished: m({
    name: 'adeline_mqtt_messages_published_total',
    type: 'counter',
    unit: '1',
    description:
      'MQTT messages published, by channel: detections, metrics, status, availability, replay.',
    labels: ['channel'],
  }),
  mqttFailed: m({
    name: 'adeline_mqtt_messages_failed_total',
    type: 'counter',
    unit: '1',
    description: 'MQTT publishes that failed (then spooled or given up), by channel and reason.',
    labels: ['channel', 'reason'],
  }),
  mqttConnected: m({
    name: 'adeline_mqtt_connected',
    type: 'gauge',
    unit: '1',
    description: '1 while the plane is connected to the broker.',
    labels: ['plane'],
  }),
  commands: m({
    name: 'adeline_commands_total',
    type: 'counter',
    unit: '1',
    description: 'Control commands, by command (or invalid) and outcome (ok, error).',
    labels: ['command', 'outcome'],
  }),
  spoolMessages: m({
    name: 'adeline_spool_messages',
    type: 'gauge',
    unit: '1',
    description: 'Messages waiting in the disk spool.',
    labels: [],
  }),
  spoolBytes: m({
    name: 'adeline_spool_bytes',
    type: 'gauge',
    unit: 'By',
    description: 'Bytes used by the disk spool.',
    labels: [],
  }),
  spoolCapacityRatio: m({
    name: 'adeline_spool_usage_ratio',
    type: 'gauge',
    unit: '1',
    description: 'Spool bytes over spool.max_bytes (0–1).',
    labels: [],
  }),
  spoolDropped: m({
    name: 'adeline_spool_dropped_total',
    type: 'counter',
    unit: '1',
    description: 'Spooled messages dropped (spool full: oldest first; corrupt records).',
    labels: ['reason'],
  }),
  spoolReplayed: m({
    name: 'adeline_spool_replayed_total',
    type: 'counter',
    unit: '1',
    description: 'Spooled messages replayed to the broker.',
    labels: [],
  }),
  eventLoopDelayP99: m({
    name: 'adeline_event_loop_delay_p99_seconds',
    type: 'gauge',
    unit: 's',
    description: 'Event-loop delay p99 over the last interval.',
    labels: [],
  }),
  eventLoopDelayMax: m({
    name: 'adeline_event_loop_delay_max_seconds',
    type: 'gauge',
    unit: 's',
    description: 'Event-loop delay maximum over the last interval.',
    labels: [],
  }),
  telemetryExportFailures: m({
    name: 'adeline_telemetry_export_failures_total',
    type: 'counter',
    unit: '1',
    description: 'Failed OTLP exports, by signal (traces, logs).',
    labels: ['signal'],
  }),
  telemetryDropped: m({
    name: 'adeline_telemetry_dropped_total',
    type: 'counter',
    unit: '1',
    description:
      'Spans or log records dropped because the export queue was full or the export failed.',
    labels: ['signal'],
  }),
  healthStatus: m({
    name: 'adeline_health_status',
    type: 'gauge',
    unit: '1',
    description: 'Health check status: 0 healthy, 1 degraded, 2 unhealthy.',
    labels: ['check'],
  }),
  inFlight: m({
    name: 'adeline_frames_in_flight',
    type: 'gauge',
    unit: '1',
    description: 'Frames admitted to the pipeline and not yet finished.',
    labels: [],
  }),
  buildInfo: m({
    name: 'adeline_build_info',
    type: 'gauge',
    unit: '1',
    description: 'Always 1; labels carry the version and the model.',
    labels: ['version', 'model'],
  }),
} as const;

export type MetricKey = keyof typeof METRICS;

/** Log events: the `event` field of every structured log line the service writes. */
export const LOG_EVENTS = {
  service_started: { level: 'info', description: 'All components started.' },
  service_stopping: { level: 'info', description: 'Shutdown began (signal or stop command).' },
  service_stopped: { level: 'info', description: 'Shutdown finished.' },
  shutdown_forced: {
    level: 'warn',
    description: 'A second signal or the grace period forced the exit.',
  },
  config_unknown_key: {
    level: 'warn',
    description: 'The config has a key the schema does not know; names the nearest valid key.',
  },
  config_ignored_key: {
    level: 'info',
    description: 'A Python-era key is accepted but has no effect here.',
  },
  model_loaded: { level: 'info', description: 'The model loaded: layout, classes, input size.' },
  model_imgsz_overridden: {
    level: 'warn',
    description: 'The model has a fixed input size that differs from models.imgsz.',
  },
  worker_restarted: {
    level: 'warn',
    description: 'The inference worker was restarted after a crash or timeout.',
  },
  source_opened: { level: 'info', description: 'A source started delivering.' },
  source_reconnecting: {
    level: 'warn',
    description: 'A stream was lost; reconnecting with backoff.',
  },
  source_ended: { level: 'info', description: 'A file source reached its end.' },
  source_failed: {
    level: 'error',
    description: 'A source cannot be opened and will not be retried (file not found).',
  },
  source_stalled: {
    level: 'warn',
    description: 'A source delivered no frame for the stall timeout.',
  },
  frames_dropped: {
    level: 'warn',
    description: 'Frames are being dropped (logged once per source and reason).',
  },
  frame_processed: {
    level: 'debug',
    description: 'A frame went through the pipeline (debug level: one line per frame).',
  },
  frame_processing_failed: {
    level: 'error',
    description: 'A stage failed on a frame; the frame is counted and skipped.',
  },
  pipeline_paused: { level: 'info', description: 'The pipeline was paused.' },
  pipeline_resumed: { level: 'info', description: 'The pipeline was resumed.' },
  mqtt_connected: { level: 'info', description: 'A plane connected to the broker.' },
  mqtt_disconnected: { level: 'warn', description: 'A plane lost its broker connection.' },
  mqtt_connect_failed: {
    level: 'error',
    description: 'Connecting failed (unreachable broker, refused credentials, TLS).',
  },
  mqtt_protocol_fallback: { level: 'warn', description: 'The broker refused MQTT 5; using 3.1.1.' },
  embedded_broker_started: { level: 'info', description: 'The embedded MQTT broker is listening.' },
  command_received: { level: 'info', description: 'A control command arrived.' },
  command_failed: {
    level: 'warn',
    description: 'A control command was rejected or failed; an error reply was sent.',
  },
  command_invalid: {
    level: 'warn',
    description: 'A control payload was not valid (not JSON, wrong shape, too large).',
  },
  log_level_changed: { level: 'info', description: 'The log level was changed at runtime.' },
  publish_failed: {
    level: 'warn',
    description: 'A publish failed after the policy gave up; the message was spooled.',
  },
  mqtt_publish_failed: {
    level: 'warn',
    description:
      'A status, availability or metrics message could not be published (these are not spooled).',
  },
  breaker_opened: { level: 'warn', description: 'A circuit breaker opened.' },
  breaker_half_open: { level: 'info', description: 'A circuit breaker let a trial call through.' },
  breaker_closed: { level: 'info', description: 'A circuit breaker closed again.' },
  policy_retry: { level: 'debug', description: 'A policy retried a call.' },
  policy_timeout: { level: 'warn', description: 'A policy timed a call out.' },
  bulkhead_rejected: { level: 'warn', description: 'A bulkhead was full and rejected a call.' },
  spool_opened: {
    level: 'info',
    description: 'The spool opened; reports records left from a previous run.',
  },
  spool_replay_started: { level: 'info', description: 'Replay of spooled messages began.' },
  spool_replay_finished: { level: 'info', description: 'The spool is empty again.' },
  spool_dropped_oldest: {
    level: 'warn',
    description: 'The spool was full; the oldest records were dropped.',
  },
  spool_corrupt_record: {
    level: 'warn',
    description: 'A corrupt or truncated spool record was skipped.',
  },
  spool_io_failed: {
    level: 'error',
    description: 'A background spool fsync or cursor write failed (ADELINE_ERR_SPOOL_IO).',
  },
  health_changed: { level: 'info', description: 'A health check changed status.' },
  http_request_rejected: {
    level: 'debug',
    description: 'The health server rejected a malformed request.',
  },
  http_request_failed: {
    level: 'warn',
    description: 'A health/metrics request failed inside the server (answered 500, no stack).',
  },
  telemetry_export_failed: {
    level: 'warn',
    description: 'An OTLP export failed (logged once until an export succeeds).',
  },
  telemetry_export_recovered: { level: 'info', description: 'OTLP export works again.' },
  run_summary: { level: 'info', description: 'End-of-run summary of adeline run.' },
} as const;

export type LogEvent = keyof typeof LOG_EVENTS;

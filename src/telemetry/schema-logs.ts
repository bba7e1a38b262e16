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
  model_preprocess: {
    level: 'info',
    description:
      'How frames become the model input (channel order, scale, mean/std, resize, padding), what it was derived from, and which fields models.preprocess set.',
  },
  pipeline_stages: {
    level: 'info',
    description:
      'Where preprocessing and decode+NMS run (inference worker or main thread), and why (pipeline.worker_stages, or auto and the model input size).',
  },
  inference_priority: {
    level: 'info',
    description:
      'models.inference_priority other than normal was applied to the inference thread (background: SCHED_IDLE).',
  },
  inference_priority_unavailable: {
    level: 'warn',
    description:
      'models.inference_priority could not be applied (not Linux, no chrt, or refused); inference runs at normal priority. Names the reason.',
  },
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
  ffmpeg_socket_fallback: {
    level: 'warn',
    description:
      'A Unix socket pair for ffmpeg output could not be made; frames are read from a pipe (more garbage collection on the main thread). Logged once.',
  },
  ffmpeg_launcher_exited: {
    level: 'warn',
    description:
      'The small process that starts ffmpeg for the service (so that the service never forks itself while frames flow) exited; its ffmpeg runs were stopped, and sources reconnect or fail as when ffmpeg dies. After 3 such exits ffmpeg is started directly.',
  },
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
    description:
      'Frames are being dropped because the pipeline is behind or a frame failed (backpressure, error; logged once per source and reason).',
  },
  frames_skipped: {
    level: 'info',
    description:
      'Frames are skipped as configured or requested (max_fps, paused, shutdown; logged once per source and reason). Expected, so not a warning.',
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
  model_output_degraded: {
    level: 'warn',
    description:
      'Health check model_output went degraded: no detection above the threshold for health.model_output.empty_frames frames (fault blind), or scores pinned at 1 for health.model_output.saturated_frames frames (fault saturated), while frames flow. Names the likely causes (preprocessing, threshold, labels).',
  },
  model_output_recovered: {
    level: 'info',
    description: 'Health check model_output: the model output looks right again.',
  },
  http_request_rejected: {
    level: 'debug',
    description: 'The health server rejected a malformed request.',
  },
  live_view_ready: {
    level: 'info',
    description: 'The live view is served; gives its URL and the auth mode.',
  },
  live_view_unprotected: {
    level: 'warn',
    description:
      'The live view is enabled on a non-loopback address without live_view.auth: camera images are open to the network.',
  },
  live_view_viewer: {
    level: 'debug',
    description: 'A live view viewer connected or left; gives the number connected.',
  },
  live_view_rejected: {
    level: 'warn',
    description:
      'A live view request was refused (bad or missing credentials, too many viewers); logged once per reason per minute, every refusal is counted.',
  },
  live_view_encode_failed: {
    level: 'warn',
    description: 'A live view JPEG could not be encoded (logged once per minute; counted).',
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
  telemetry_export_off: {
    level: 'info',
    description:
      'No OTLP endpoint is configured for traces or logs (no OTEL_EXPORTER_OTLP_*ENDPOINT, no telemetry.otlp.endpoint): they are not exported. Logged once at start.',
  },
  telemetry_protocol_unsupported: {
    level: 'warn',
    description:
      'An OTEL_EXPORTER_OTLP_*PROTOCOL variable names a protocol other than http/protobuf or http/json; the configured telemetry.otlp.protocol is used.',
  },
  run_summary: { level: 'info', description: 'End-of-run summary of adeline run.' },
} as const;

export type LogEvent = keyof typeof LOG_EVENTS;

/** Metric definitions (re-exported by schema.ts). Names are what Prometheus shows. */
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

/**
 * Why a frame was dropped before it was processed: the `reason` label of
 * adeline_frames_dropped_total, each with the explanation its `frames_dropped` warning gives.
 */
export const DROP_REASON_MEANINGS = {
  max_fps: 'the source delivers faster than max_fps; the latest frame wins',
  backpressure: 'the pipeline is behind; stale frames are replaced by the latest',
  paused: 'the pipeline is paused; live frames are discarded',
  error: 'a frame could not be handed to the pipeline',
  shutdown: 'the service is stopping',
} as const;
export type DropReason = keyof typeof DROP_REASON_MEANINGS;
export const DROP_REASONS = Object.keys(DROP_REASON_MEANINGS) as readonly DropReason[];

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
    description: `Frames dropped before processing, by reason: ${DROP_REASONS.join(', ')}.`,
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
      'MQTT messages published, by channel: detections, metrics, status, availability, replay. Detections and replays count once the broker confirmed them (PUBACK, or a checkpoint at QoS 0).',
    labels: ['channel'],
  }),
  mqttFailed: m({
    name: 'adeline_mqtt_messages_failed_total',
    type: 'counter',
    unit: '1',
    description: 'MQTT publishes that failed (then spooled or given up), by channel and reason.',
    labels: ['channel', 'reason'],
  }),
  mqttBuilt: m({
    name: 'adeline_mqtt_messages_built_total',
    type: 'counter',
    unit: '1',
    description:
      'Detection messages built (one per processed frame). At rest it equals published{channel="detections"} + spooled + dropped.',
    labels: [],
  }),
  mqttSpooled: m({
    name: 'adeline_mqtt_messages_spooled_total',
    type: 'counter',
    unit: '1',
    description:
      'Detection messages written to the spool, by reason (disconnected, breaker_open, behind_spool, shutdown, unconfirmed, timeout, error…).',
    labels: ['reason'],
  }),
  mqttDropped: m({
    name: 'adeline_mqtt_messages_dropped_total',
    type: 'counter',
    unit: '1',
    description:
      'Detection messages neither published nor spooled, by reason (no_spool: spool.enabled false; spool_error: the spool write failed).',
    labels: ['reason'],
  }),
  mqttPossibleDuplicates: m({
    name: 'adeline_mqtt_possible_duplicates_total',
    type: 'counter',
    unit: '1',
    description:
      'Messages sent again though the broker may already have them (at-least-once): unconfirmed at a connection loss, or a replay cut off before its PUBACK.',
    labels: ['reason'],
  }),
  mqttUnconfirmed: m({
    name: 'adeline_mqtt_unconfirmed_messages',
    type: 'gauge',
    unit: '1',
    description:
      'Detection messages handed to the MQTT client and not yet confirmed by the broker (PUBACK, or a checkpoint at QoS 0).',
    labels: [],
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
  spoolReplayLag: m({
    name: 'adeline_spool_replay_lag_seconds',
    type: 'gauge',
    unit: 's',
    description:
      'How far the replay is behind: age of the oldest message waiting in the spool (0 when empty).',
    labels: [],
  }),
  eventLoopDelayP99: m({
    name: 'adeline_event_loop_delay_p99_seconds',
    type: 'gauge',
    unit: 's',
    description:
      'Event-loop delay p99 over the last interval: how late a 10 ms timer ran (0 on an idle loop).',
    labels: [],
  }),
  eventLoopDelayMax: m({
    name: 'adeline_event_loop_delay_max_seconds',
    type: 'gauge',
    unit: 's',
    description:
      'Event-loop delay maximum over the last interval: how late a 10 ms timer ran (0 on an idle loop).',
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
  liveFramesEncoded: m({
    name: 'adeline_live_view_frames_encoded_total',
    type: 'counter',
    unit: '1',
    description:
      'Frames encoded as JPEG for the live view. Stays 0 while no viewer is connected (no frame is copied or encoded).',
    labels: ['source_id'],
  }),
  liveFramesSkipped: m({
    name: 'adeline_live_view_frames_skipped_total',
    type: 'counter',
    unit: '1',
    description:
      'Live view frames not sent, by reason: encoder_busy (the previous frame was still encoding), encode_failed, slow_viewer (a viewer had not read the previous one).',
    labels: ['reason'],
  }),
  liveEncodeSeconds: m({
    name: 'adeline_live_view_encode_seconds',
    type: 'gauge',
    unit: 's',
    description:
      'How long the last live view JPEG took to encode (off the event loop, in libvips threads); 0 until a viewer connects.',
    labels: [],
  }),
  liveViewers: m({
    name: 'adeline_live_view_viewers',
    type: 'gauge',
    unit: '1',
    description: 'Live view event streams connected now.',
    labels: [],
  }),
  liveRequestsRejected: m({
    name: 'adeline_live_view_requests_rejected_total',
    type: 'counter',
    unit: '1',
    description:
      'Live view requests refused, by reason: unauthorized (missing or wrong credentials), bad_auth_header (malformed Authorization), too_many_viewers.',
    labels: ['reason'],
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

/** Span names, stages, attributes and span events (re-exported by schema.ts). */
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
    description:
      'Time from the input being queued for inference to the worker starting it (waiting behind earlier runs), milliseconds.',
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

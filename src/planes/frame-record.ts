/**
 * One frame's detection message as it is published or spooled: the JSON payload and the trace
 * context of the active span (the frame's), kept so that a replay carries the original ones.
 */
import { trace } from '@opentelemetry/api';
import type { FrameResult } from '../domain/frame-result.js';
import type { SpoolRecord } from '../resilience/types.js';
import { traceIdOf } from '../telemetry/tracing.js';
import { buildDetectionMessage } from './detection-message.js';
import { injectUserProperties } from './trace-carrier.js';

export function frameRecord(
  result: FrameResult,
  messageId: number,
  topic: string,
  qos: 0 | 1 | 2,
): SpoolRecord {
  const msg = buildDetectionMessage(result, messageId, traceIdOf(trace.getActiveSpan()) || null);
  const rec: SpoolRecord = {
    topic,
    payload: JSON.stringify(msg),
    qos,
    sourceId: result.sourceId,
    messageId,
    spooledAtMs: 0,
  };
  const props = injectUserProperties();
  if (typeof props?.traceparent === 'string') rec.traceparent = props.traceparent;
  if (typeof props?.tracestate === 'string') rec.tracestate = props.tracestate;
  return rec;
}

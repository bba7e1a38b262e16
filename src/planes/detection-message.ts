/**
 * The detection message (ADELINE-SPEC.md §2), field by field and in the Python order, plus the
 * additive fields track_id and trace_id. docs/schemas/detection.schema.json describes it.
 */
import type { Detection } from '../domain/detection.js';
import type { FrameResult, RoiMetrics } from '../domain/frame-result.js';
import { isoUtc } from './timestamp.js';

export interface DetectionEntry {
  class: string;
  confidence: number;
  /** Box centre and size in source-frame pixels. */
  bbox: { x: number; y: number; width: number; height: number };
  /** null when stabilisation is on (Python behaviour). */
  class_id: number | null;
  track_id?: number;
}

export interface DetectionMessage {
  timestamp: string;
  detection_count: number;
  detections: DetectionEntry[];
  frame: { frame_id: number; source_id: number; timestamp: string };
  roi_metrics?: RoiMetrics;
  /** Trace of the frame (32 hex), or null when tracing is off. */
  trace_id: string | null;
  message_id: number;
}

function entry(d: Detection, stabilized: boolean): DetectionEntry {
  const { x1, y1, x2, y2 } = d.box;
  const e: DetectionEntry = {
    class: d.className,
    confidence: d.confidence,
    bbox: { x: (x1 + x2) / 2, y: (y1 + y2) / 2, width: x2 - x1, height: y2 - y1 },
    class_id: stabilized ? null : d.classId,
  };
  if (d.trackId !== undefined) e.track_id = d.trackId;
  return e;
}

export function buildDetectionMessage(
  r: FrameResult,
  messageId: number,
  traceId: string | null,
  nowMs: number = Date.now(),
): DetectionMessage {
  const detections = r.detections.map((d) => entry(d, r.stabilized));
  const msg: DetectionMessage = {
    timestamp: isoUtc(nowMs),
    detection_count: detections.length,
    detections,
    frame: { frame_id: r.seq, source_id: r.sourceId, timestamp: isoUtc(r.capturedAtMs) },
    trace_id: traceId,
    message_id: messageId,
  };
  if (r.roiMetrics === null) return msg;
  // roi_metrics sits between frame and trace_id, as in Python (key order is kept by JSON.stringify).
  const { trace_id, message_id, ...head } = msg;
  return { ...head, roi_metrics: r.roiMetrics, trace_id, message_id };
}

/** The `frame` event of the live view stream: one processed frame, its boxes and its timings. */
import type { Detection } from '../domain/detection.js';
import type { Roi } from '../domain/roi.js';

export interface LiveDetection {
  class: string;
  class_id: number;
  confidence: number;
  /** Corners in source-frame pixels: [x1, y1, x2, y2]. */
  box: [number, number, number, number];
  track_id: number | null;
}

export interface LiveFrameEvent {
  source_id: number;
  frame_id: number;
  message_id: number;
  /** 32 hex, or null when tracing is off. */
  trace_id: string | null;
  width: number;
  height: number;
  /** The ROI crop that was applied, or null. */
  roi: Roi | null;
  detections: LiveDetection[];
  /** Milliseconds per stage (capture, roi, preprocess, inference, postprocess, stabilize, publish). */
  stages: Record<string, number>;
  /** Epoch ms when the frame was published. */
  published_at_ms: number;
  /** The frame as a base64 JPEG. */
  jpeg: string;
}

const INVALID_TRACE = /^0+$/;

export function liveDetection(d: Detection): LiveDetection {
  return {
    class: d.className,
    class_id: d.classId,
    confidence: Math.round(d.confidence * 1e4) / 1e4,
    box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2],
    track_id: d.trackId ?? null,
  };
}

export function liveTraceId(traceId: string): string | null {
  return traceId === '' || INVALID_TRACE.test(traceId) ? null : traceId;
}

export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

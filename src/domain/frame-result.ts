import type { Detection } from './detection.js';

/** roi_metrics of the detection message (ADELINE-SPEC.md §2), built by src/roi/. */
export interface RoiMetrics {
  enabled: boolean;
  crop_applied: boolean;
  crop_offset: [number, number];
  roi: {
    x1: number;
    y1: number;
    x2: number;
    y2: number;
    width: number;
    height: number;
    area: number;
    is_square: boolean;
  } | null;
  performance: {
    imgsz: number | null;
    size_multiple: number;
    crop_ratio: number;
    pixel_reduction: number;
    frame_size: { height: number; width: number };
  };
}

/** What the pipeline hands to the data plane for one processed frame. */
export interface FrameResult {
  sourceId: number;
  /** frame.frame_id */
  seq: number;
  /** Capture time, epoch ms (frame.timestamp). */
  capturedAtMs: number;
  width: number;
  height: number;
  detections: Detection[];
  /** Present when ROI mode is not none and statistics are on. */
  roiMetrics: RoiMetrics | null;
  /** Stabilisation on: class_id is published as null (Python behaviour) and track_id is set. */
  stabilized: boolean;
}

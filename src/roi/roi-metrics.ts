/**
 * The roi_metrics object of the detection message (ADELINE-SPEC.md §2). No crop: roi null,
 * crop_offset [0, 0], size_multiple 0, crop_ratio 1, pixel_reduction 0.
 */
import type { RoiMetrics } from '../domain/frame-result.js';
import type { Roi } from '../domain/roi.js';

export interface RoiMetricsOptions {
  /** roi_metrics.enabled: whether cropping is on (adaptive: the toggle; fixed: always). */
  enabled: boolean;
  /** performance.imgsz as published: the model size for adaptive, null for fixed (as in Python). */
  publishedImgsz: number | null;
  /** Divisor of size_multiple (the model input size). */
  imgsz: number;
}

export function roiMetricsOf(
  roi: Roi | null,
  width: number,
  height: number,
  o: RoiMetricsOptions,
): RoiMetrics {
  const frameSize = { height, width };
  if (roi === null) {
    return {
      enabled: o.enabled,
      crop_applied: false,
      crop_offset: [0, 0],
      roi: null,
      performance: {
        imgsz: o.publishedImgsz,
        size_multiple: 0,
        crop_ratio: 1,
        pixel_reduction: 0,
        frame_size: frameSize,
      },
    };
  }
  const w = roi.x2 - roi.x1;
  const h = roi.y2 - roi.y1;
  const cropRatio = (w * h) / (width * height);
  return {
    enabled: o.enabled,
    crop_applied: true,
    crop_offset: [roi.x1, roi.y1],
    roi: {
      x1: roi.x1,
      y1: roi.y1,
      x2: roi.x2,
      y2: roi.y2,
      width: w,
      height: h,
      area: w * h,
      is_square: w === h,
    },
    performance: {
      imgsz: o.publishedImgsz,
      size_multiple: Math.max(w, h) / o.imgsz,
      crop_ratio: cropRatio,
      pixel_reduction: 1 - cropRatio,
      frame_size: frameSize,
    },
  };
}

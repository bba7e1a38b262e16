/**
 * What to cut from a frame and how to map detections back. Python mapped crop coordinates back by
 * the crop offset only, which is wrong after the resize_to_model upscale; here a box in crop-image
 * pixels is divided by the resize scale and then offset (ADELINE-SPEC.md §4 "Crop").
 */
import type { Box, Detection } from '../domain/detection.js';
import type { Roi } from '../domain/roi.js';

export interface CropPlan {
  /** Region of the source frame to cut (the whole frame when no ROI applies). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Size of the image handed to the model after the optional resize. */
  outWidth: number;
  outHeight: number;
  /** outWidth / width and outHeight / height (1 without resize). */
  scaleX: number;
  scaleY: number;
  /** True when a region smaller than the frame is cut. */
  cropped: boolean;
}

/**
 * The crop of `roi` (null: the full frame, not resized). With resizeToModel, a crop whose larger
 * side is below imgsz is upscaled to imgsz×imgsz (bilinear, as in Python).
 */
export function planCrop(
  roi: Roi | null,
  width: number,
  height: number,
  imgsz: number,
  resizeToModel: boolean,
): CropPlan {
  if (roi === null) {
    return { x: 0, y: 0, width, height, outWidth: width, outHeight: height, scaleX: 1, scaleY: 1, cropped: false };
  }
  const w = roi.x2 - roi.x1;
  const h = roi.y2 - roi.y1;
  const resize = resizeToModel && Math.max(w, h) < imgsz;
  const outWidth = resize ? imgsz : w;
  const outHeight = resize ? imgsz : h;
  return {
    x: roi.x1,
    y: roi.y1,
    width: w,
    height: h,
    outWidth,
    outHeight,
    scaleX: outWidth / w,
    scaleY: outHeight / h,
    cropped: true,
  };
}

/** A box in model-input (crop image) pixels → source-frame pixels, clipped to the crop region. */
export function mapBoxToFrame(b: Box, plan: CropPlan): Box {
  const mx = (v: number): number => Math.max(plan.x, Math.min(plan.x + plan.width, plan.x + v / plan.scaleX));
  const my = (v: number): number => Math.max(plan.y, Math.min(plan.y + plan.height, plan.y + v / plan.scaleY));
  return { x1: mx(b.x1), y1: my(b.y1), x2: mx(b.x2), y2: my(b.y2) };
}

/** mapBoxToFrame over detections; returns the input unchanged when the plan is the identity. */
export function mapDetectionsToFrame(detections: readonly Detection[], plan: CropPlan): Detection[] {
  if (!plan.cropped) return detections.slice();
  return detections.map((d) => ({ ...d, box: mapBoxToFrame(d.box, plan) }));
}

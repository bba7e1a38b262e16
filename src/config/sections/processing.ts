/** Config sections: StabilizationSchema, RoiSchema. Units and defaults are in each description. */
import { z } from 'zod';
import { prob, posInt } from './helpers.js';

export const StabilizationSchema = z
  .object({
    mode: z
      .enum(['none', 'temporal'])
      .default('none')
      .describe('Temporal hysteresis stabilisation, or none.'),
    temporal: z
      .object({
        min_frames: posInt(3, 1, 1000, 'Consecutive frames before a track is confirmed.'),
        max_gap: posInt(2, 0, 1000, 'Frames a track may be missed before it is removed.'),
      })
      .prefault({}),
    hysteresis: z
      .object({
        appear_confidence: prob(0.5, 'Confidence needed to start or confirm a track.'),
        persist_confidence: prob(0.3, 'Confidence needed to keep a confirmed track.'),
      })
      .prefault({}),
    iou: z
      .object({ threshold: prob(0.3, 'IoU to match a detection to a track of its class.') })
      .prefault({}),
  })
  .superRefine((v, ctx) => {
    if (v.hysteresis.persist_confidence > v.hysteresis.appear_confidence) {
      ctx.addIssue({
        code: 'custom',
        path: ['hysteresis', 'persist_confidence'],
        message: `must be <= hysteresis.appear_confidence (${v.hysteresis.appear_confidence})`,
      });
    }
  });

export const RoiSchema = z
  .object({
    mode: z.enum(['none', 'adaptive', 'fixed']).default('none').describe('ROI strategy.'),
    adaptive: z
      .object({
        margin: z
          .number()
          .min(0)
          .max(1)
          .default(0.2)
          .describe('Margin around the detections, fraction of the frame size.'),
        smoothing: prob(0.3, 'Weight of the previous ROI (0: none).'),
        min_roi_multiple: posInt(1, 1, 100, 'Smallest ROI side, in multiples of models.imgsz.'),
        max_roi_multiple: posInt(4, 1, 100, 'Largest ROI side, in multiples of models.imgsz.'),
        show_statistics: z
          .boolean()
          .default(true)
          .describe('Add roi_metrics to detection messages.'),
        resize_to_model: z
          .boolean()
          .default(false)
          .describe('Upscale crops smaller than imgsz to imgsz.'),
      })
      .prefault({}),
    fixed: z
      .object({
        x_min: prob(0.2, 'Left edge, fraction of the frame width.'),
        y_min: prob(0.2, 'Top edge, fraction of the frame height.'),
        x_max: prob(0.8, 'Right edge, fraction of the frame width.'),
        y_max: prob(0.8, 'Bottom edge, fraction of the frame height.'),
        show_overlay: z
          .boolean()
          .default(true)
          .describe('Python key, accepted and ignored (no preview window). Also adds roi_metrics.'),
        resize_to_model: z
          .boolean()
          .default(false)
          .describe('Python key, accepted; no effect for fixed ROI (as in Python).'),
      })
      .prefault({}),
  })
  .superRefine((v, ctx) => {
    const a = v.adaptive;
    if (a.min_roi_multiple > a.max_roi_multiple) {
      ctx.addIssue({
        code: 'custom',
        path: ['adaptive', 'min_roi_multiple'],
        message: `must be <= adaptive.max_roi_multiple (${a.max_roi_multiple})`,
      });
    }
    const f = v.fixed;
    if (f.x_min >= f.x_max)
      ctx.addIssue({
        code: 'custom',
        path: ['fixed', 'x_min'],
        message: `must be < fixed.x_max (${f.x_max})`,
      });
    if (f.y_min >= f.y_max)
      ctx.addIssue({
        code: 'custom',
        path: ['fixed', 'y_min'],
        message: `must be < fixed.y_max (${f.y_max})`,
      });
  });

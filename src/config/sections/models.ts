/** Config sections: ModelsSchema. Units and defaults are in each description. */
import { z } from 'zod';
import { prob, posInt, nullableString } from './helpers.js';

export const ModelsSchema = z.object({
  use_local: z
    .boolean()
    .default(false)
    .describe('Python key, accepted and ignored: models are always local ONNX files.'),
  local_path: z
    .string()
    .min(1)
    .default('models/adeline-demo.onnx')
    .describe(
      'ONNX model file. Default: the bundled demo detector (Python default was models/yolov11n-320.onnx).',
    ),
  imgsz: z
    .number()
    .int()
    .min(64)
    .max(1280)
    .refine((v) => v % 32 === 0, { message: 'must be a multiple of 32 (e.g. 320, 416, 640)' })
    .default(320)
    .describe(
      'Model input size, pixels (square). A model with a fixed input size overrides it, with a warning.',
    ),
  confidence: prob(0.25, 'Minimum detection confidence.'),
  iou_threshold: prob(0.45, 'Non-maximum suppression IoU threshold (per class).'),
  layout: z
    .enum(['auto', 'yolov8', 'yolov5', 'yolox', 'end2end'])
    .default('auto')
    .describe('Output layout. auto: detected from the output shapes and metadata.'),
  labels_file: nullableString(
    'Class names, one per line (or a JSON array). Default: the model metadata `names`, else class_<id>.',
  ),
  intra_op_threads: posInt(
    0,
    0,
    64,
    'ONNX Runtime intra-op threads of the inference worker. 0 (default): one less than the CPU cores, at least 1, so the main thread (decode, letterbox, publish, telemetry) keeps a core and its event loop stays responsive. On a 2-core machine a large model (YOLOv8n at 640) runs about 1.7× faster with 2, at the cost of event-loop delay (docs/benchmarks.md).',
  ),
});

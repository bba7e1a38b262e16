/** Config sections: ModelsSchema. Units and defaults are in each description. */
import { z } from 'zod';
import { prob, posInt, nullableString } from './helpers.js';

const rgb = (what: string, positive: boolean) =>
  z
    .tuple([
      positive ? z.number().positive() : z.number(),
      positive ? z.number().positive() : z.number(),
      positive ? z.number().positive() : z.number(),
    ])
    .describe(`[r, g, b] ${what}`);

const ONE_255 = 1 / 255;

/** models.preprocess: each field 'auto' (derived from the model file) or a value. */
export const PreprocessSchema = z.object({
  channel_order: z
    .enum(['auto', 'rgb', 'bgr'])
    .default('auto')
    .describe(
      'Order of the input planes. auto (default): rgb for Ultralytics and other layouts, bgr for YOLOX (docs/models.md).',
    ),
  scale: z
    .union([
      z.enum(['auto', '1/255']),
      z.number().refine((v) => v === 1 || Math.abs(v - ONE_255) < 1e-9, {
        message: 'must be "auto", "1/255" (0.00392156862745098) or 1',
      }),
    ])
    .default('auto')
    .describe(
      'Factor applied to 0..255 pixel values: "1/255" (input 0..1) or 1 (input 0..255). auto (default): 1/255, or 1 for YOLOX.',
    ),
  mean: z
    .union([z.literal('auto'), z.null(), rgb('subtracted after scaling', false)])
    .default('auto')
    .describe(
      'Per-colour mean [r, g, b] subtracted after scaling, in the units of pixel·scale (ImageNet with scale 1/255: [0.485, 0.456, 0.406]); listed in R, G, B order whatever channel_order. null or auto (default): none.',
    ),
  std: z
    .union([z.literal('auto'), z.null(), rgb('dividing after the mean', true)])
    .default('auto')
    .describe(
      'Per-colour std [r, g, b] (> 0) dividing after the mean, same units and order as mean (ImageNet with scale 1/255: [0.229, 0.224, 0.225]). null or auto (default): none.',
    ),
  resize: z
    .enum(['auto', 'letterbox', 'stretch'])
    .default('auto')
    .describe(
      'letterbox: keep the aspect ratio and pad; stretch: fill the input on both axes. auto (default): letterbox.',
    ),
  pad_value: z
    .union([z.literal('auto'), z.number().int().min(0).max(255)])
    .default('auto')
    .describe(
      'Letterbox padding, pixel value 0..255 in every colour (before scale/mean/std). auto (default): 114.',
    ),
  pad_position: z
    .enum(['auto', 'center', 'top_left'])
    .default('auto')
    .describe(
      'Where the letterboxed frame sits: center (Ultralytics) or top_left (YOLOX). auto (default): from the model family.',
    ),
});

export type PreprocessConfig = z.output<typeof PreprocessSchema>;

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
  preprocess: PreprocessSchema.prefault({}).describe(
    'How frames become the input tensor; each field auto (derived from the model file, logged at load and shown by `adeline model info`) or a value.',
  ),
  labels_file: nullableString(
    'Class names, one per line (or a JSON array). Default: the model metadata `names`, else class_<id>.',
  ),
  intra_op_threads: posInt(
    0,
    0,
    64,
    'ONNX Runtime intra-op threads of the inference worker. 0 (default): one less than the CPU cores, at least 1, so the main thread (decode, letterbox, publish, telemetry) keeps a core and its event loop stays responsive. On a 2-core machine a large model (YOLOv8n at 640) runs about 1.7× faster with 2, at the cost of event-loop delay (docs/benchmarks.md).',
  ),
  inference_priority: z
    .enum(['normal', 'background'])
    .default('normal')
    .describe(
      'Scheduling of the inference worker thread and its ONNX Runtime threads (Linux). normal (default): like every thread. background: SCHED_IDLE, so the event loop (health checks, MQTT, telemetry) and ffmpeg preempt inference whenever they are ready; on a saturated 2-core machine it cut the real-video event-loop maximum by 5–14 ms, and cost up to a fifth of the frames/s with a 1280×720 source, whose ffmpeg threads preempt inference too (docs/benchmarks.md). Inference then gets no CPU while other threads of its cgroup want all of it: use it where the service has a cgroup of its own (a container, a systemd unit). Needs util-linux chrt; where it cannot be applied the service logs inference_priority_unavailable and runs at normal.',
    ),
});

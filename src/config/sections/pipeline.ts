/** Config sections: PipelineSchema, SyntheticSchema. Units and defaults are in each description. */
import { z } from 'zod';
import { maxFps, prob, posInt, nullableString } from './helpers.js';
import { SourceSchema } from '../source-schema.js';

export const PipelineSchema = z.object({
  rtsp_url: nullableString(
    'Python key. One source URL or file path, used as source 0 when pipeline.sources is empty. Default null: the synthetic scene.',
  ),
  model_id: z
    .string()
    .default('yolov11n-640')
    .describe(
      'Python key, accepted for compatibility and ignored: Adeline runs local ONNX models (models.local_path).',
    ),
  max_fps: maxFps()
    .default(2)
    .describe('Processing cap per source, frames/s. 0 means no cap. Python range was 1–30.'),
  enable_visualization: z
    .boolean()
    .default(true)
    .describe(
      'Python key, accepted and ignored: the service has no window; open the live view at /live instead (live_view.*).',
    ),
  display_statistics: z
    .boolean()
    .default(true)
    .describe('Show the live progress line of `adeline run` when stderr is a TTY.'),
  sources: z
    .array(SourceSchema)
    .max(64)
    .default([])
    .describe(
      'Video sources, processed concurrently in one process. Empty: pipeline.rtsp_url, else the synthetic scene.',
    ),
  max_in_flight: posInt(
    2,
    1,
    16,
    'Frames admitted to the pipeline at once, across all sources. 2 overlaps preparing frame N+1 with inferring frame N.',
  ),
  decoder_threads: posInt(
    0,
    0,
    64,
    "Threads ffmpeg decodes each file or stream source with (ffmpeg -threads, before -i). 0 (default): ffmpeg decides, about one per core. 1 keeps a decoder on one core at a time: with models.inference_priority background on 2 cores the 1280×720 real video then ran within 3–6 % of the defaults' frames/s (docs/benchmarks.md). One thread decoded that 1280×720 H.264 file at about 220 frames/s here (380 with ffmpeg's default); before lowering it for a 4K camera, time `ffmpeg -threads 1 -i <file> -f null -` on a recording from it (the speed= it prints must stay above 1x at the camera's frame rate).",
  ),
  ffmpeg_launcher: z
    .boolean()
    .default(true)
    .describe(
      "Start ffmpeg (file and stream sources) from a small launcher process that the service forks once, at the first source start. true (default): starting ffmpeg again (each pass of a looped file, each reconnect of a camera) no longer blocks the event loop while the kernel copies the service's page tables, 12–28 ms per start with a model loaded on 2 cores (docs/benchmarks.md); the launcher is a Node process of about 47 MiB resident, 9 MiB of it its own (the rest is the Node binary, shared with the service), and it stops every ffmpeg if the service dies. false: the service spawns ffmpeg itself. If the launcher exits 3 times, the service spawns ffmpeg itself (log event ffmpeg_launcher_exited).",
    ),
  worker_stages: z
    .union([z.boolean(), z.literal('auto')])
    .default('auto')
    .describe(
      'Where preprocessing and decode+NMS run. auto (default): in the inference worker when the model input has at least 512×512 pixels (a 640 model: letterboxing 1280×720 into it and decoding its 8400 candidates take 5–12 ms, one long task on the event loop per frame), on the main thread below that (a 320 model: ~1 ms, and the worker, the bottleneck on 2 cores, stays free for inference: the demo model runs ~20 % faster). true: always in the worker (the event loop only copies each frame into a pooled buffer). false: always on the main thread. docs/benchmarks.md has the measurements.',
    ),
});

export const SyntheticSchema = z.object({
  width: posInt(640, 64, 4096, 'Frame width, pixels.'),
  height: posInt(480, 64, 4096, 'Frame height, pixels.'),
  fps: z.number().min(0.1).max(240).default(15).describe('Frames/s the scene produces when live.'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42)
    .describe('Scene seed: the same seed gives the same frames.'),
  max_figures: posInt(3, 0, 8, 'Most person-like figures in the scene at once.'),
  fall_probability: prob(0.3, 'Chance that a figure falls (tall box turns wide) during its visit.'),
  live: z
    .boolean()
    .default(true)
    .describe(
      'true: paced at synthetic.fps like a camera. false: frames as fast as the pipeline takes them (benchmarks).',
    ),
});

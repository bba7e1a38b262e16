/** One entry of pipeline.sources. */
import { z } from 'zod';
import { maxFps } from './sections/helpers.js';

export const SourceSchema = z
  .object({
    id: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .describe('Source id published as frame.source_id. Default: its index in the list.'),
    url: z
      .string()
      .min(1)
      .describe(
        'What to read: `synthetic:` (the built-in scene), a file path or `file:` URL, or an `rtsp://`, `rtsps://`, `http://` or `https://` stream.',
      ),
    max_fps: maxFps().optional().describe('Per-source cap, frames/s. Default: pipeline.max_fps.'),
    live: z
      .boolean()
      .optional()
      .describe(
        'Live sources drop stale frames (latest wins); non-live deliver every frame in order. Default: true for streams and synthetic, false for files.',
      ),
    loop: z
      .boolean()
      .default(false)
      .describe('Files only: restart at end of file instead of ending.'),
  })
  .strict();

export type SourceConfig = z.output<typeof SourceSchema>;

/**
 * JPEG encoding for the live view, with sharp (libvips). The work runs in libuv's thread pool,
 * off the event loop; the only main-thread cost is handing the pixel buffer over. sharp (and
 * libvips with it) is loaded on the first encode, so a service nobody looks at never loads it.
 */
import type { Sharp, SharpOptions } from 'sharp';

/** Encodes RGB24 pixels (width * height * 3 bytes) as a JPEG. */
export type JpegEncoder = (
  rgb: Uint8Array,
  width: number,
  height: number,
  quality: number,
) => Promise<Buffer>;

type SharpFactory = (input: Uint8Array, options: SharpOptions) => Sharp;

let loading: Promise<SharpFactory> | undefined;

async function loadSharp(): Promise<SharpFactory> {
  const sharp = (await import('sharp')).default;
  // One libvips thread per encode: the live view must not compete with inference for the cores.
  sharp.concurrency(1);
  sharp.cache(false);
  return sharp;
}

export const sharpJpegEncoder: JpegEncoder = async (rgb, width, height, quality) => {
  const sharp = await (loading ??= loadSharp());
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();
};

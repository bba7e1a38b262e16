/**
 * JPEG encoding for the live view, with sharp (libvips). The work runs in libuv's thread pool,
 * off the event loop; the only main-thread cost is handing the pixel buffer over.
 */
import sharp from 'sharp';

/** Encodes RGB24 pixels (width * height * 3 bytes) as a JPEG. */
export type JpegEncoder = (
  rgb: Uint8Array,
  width: number,
  height: number,
  quality: number,
) => Promise<Buffer>;

// One libvips thread per encode: the live view must not compete with inference for the cores.
sharp.concurrency(1);
sharp.cache(false);

export const sharpJpegEncoder: JpegEncoder = (rgb, width, height, quality) =>
  sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality, mozjpeg: false })
    .toBuffer();

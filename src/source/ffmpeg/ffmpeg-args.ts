/** The ffmpeg command line for one source: decode the first video stream to PPM frames on stdout. */
import type { ClassifiedSource } from '../url.js';
import { passthroughTimingArgs, type FfmpegVersion } from './ffmpeg-version.js';

export interface FfmpegInput {
  kind: 'file' | 'stream';
  /** File path (absolute) or stream URL. */
  target: string;
  /** Lower-case scheme of a stream URL. */
  scheme?: string;
  /** Read a file at its native frame rate (`-re`), like a camera. */
  realtime: boolean;
  /** Network I/O timeout, milliseconds: ffmpeg gives up on a silent stream after it. */
  ioTimeoutMs: number;
  /** How long ffmpeg may analyse a stream before the first frame, milliseconds. */
  analyzeMs: number;
  rtspTransport: 'tcp' | 'udp';
  /** ffmpeg's decoder threads (`-threads` before `-i`); 0 leaves it to ffmpeg (about one per core). */
  decoderThreads: number;
}

/**
 * Every decoded frame comes out once, with its own timestamp (passthrough timing, see
 * ffmpeg-version.ts), for files and streams alike: a file's frame N is frame N, and a stream
 * gets no invented duplicates (latest-wins happens in the FrameHandoff, where drops are counted).
 */
export function buildFfmpegArgs(
  input: FfmpegInput,
  version: FfmpegVersion | null = null,
): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
  if (input.decoderThreads > 0) args.push('-threads', String(input.decoderThreads));
  if (input.kind === 'file') {
    if (input.realtime) args.push('-re');
    // file: keeps ffmpeg from reading "a:b.mp4" as protocol "a".
    args.push('-i', 'file:' + input.target);
  } else {
    const us = String(Math.round(input.ioTimeoutMs * 1000));
    if (input.scheme === 'rtsp' || input.scheme === 'rtsps') {
      args.push('-rtsp_transport', input.rtspTransport, '-timeout', us);
    } else if (input.scheme === 'udp') {
      args.push('-timeout', us);
    } else {
      args.push('-rw_timeout', us);
    }
    args.push('-analyzeduration', String(Math.round(input.analyzeMs * 1000)));
    args.push('-i', input.target);
  }
  args.push('-map', '0:v:0', '-an', '-sn', '-dn', ...passthroughTimingArgs(version));
  args.push('-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', 'pipe:1');
  return args;
}

/** The ffmpeg input of a classified file or stream URL. */
export function ffmpegInput(
  c: Extract<ClassifiedSource, { kind: 'file' | 'stream' }>,
  o: {
    ioTimeoutMs: number;
    analyzeMs: number;
    rtspTransport: 'tcp' | 'udp';
    decoderThreads: number;
  },
  live: boolean,
): FfmpegInput {
  return {
    kind: c.kind,
    target: c.kind === 'file' ? c.path : c.url,
    scheme: c.kind === 'stream' ? c.scheme : undefined,
    realtime: live,
    ioTimeoutMs: o.ioTimeoutMs,
    analyzeMs: o.analyzeMs,
    rtspTransport: o.rtspTransport,
    decoderThreads: o.decoderThreads,
  };
}

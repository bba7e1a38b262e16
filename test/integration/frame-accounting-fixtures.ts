/**
 * Real-ffmpeg fixtures for the frame-accounting tests: a file whose timestamps are not
 * constant-rate (made here, by concatenating a 25 fps and a 50 fps segment), ffprobe's view of a
 * file, and ffmpeg's own per-frame digests (the reference the delivered frames are compared to).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const VFR_W = 64;
export const VFR_H = 48;

function ffmpeg(args: string[], cwd?: string): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd });
}

/** 1 s at 25 fps then 1 s at 50 fps in one MP4 (75 frames; r_frame_rate 50, avg_frame_rate 75/2). */
export function makeVariableRateVideo(dir: string, name = 'vfr.mp4'): string {
  for (const [seg, fps] of [
    ['seg25.mp4', 25],
    ['seg50.mp4', 50],
  ] as const) {
    ffmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        `testsrc=size=${VFR_W}x${VFR_H}:rate=${fps}:duration=1`,
        '-c:v',
        'mpeg4',
        '-q:v',
        '2',
        seg,
      ],
      dir,
    );
  }
  writeFileSync(join(dir, 'list.txt'), 'file seg25.mp4\nfile seg50.mp4\n');
  ffmpeg(['-f', 'concat', '-i', 'list.txt', '-c', 'copy', name], dir);
  return join(dir, name);
}

export interface ProbedRates {
  rFrameRate: string;
  avgFrameRate: string;
  /** Frames ffprobe decodes (-count_frames). */
  nbReadFrames: number;
}

export function probeRates(path: string): ProbedRates {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=r_frame_rate,avg_frame_rate,nb_read_frames',
    '-of',
    'json',
    path,
  ]).toString();
  const s = (JSON.parse(out) as { streams: Record<string, string>[] }).streams[0]!;
  return {
    rFrameRate: s.r_frame_rate!,
    avgFrameRate: s.avg_frame_rate!,
    nbReadFrames: Number(s.nb_read_frames),
  };
}

/**
 * Frames that ffmpeg writes with the command line Adeline used before passthrough timing
 * (default frame-rate handling for image2pipe output: constant rate).
 */
export function framesWithOldArgs(path: string, width: number, height: number): number {
  const out = execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', 'file:' + path],
      ...['-map', '0:v:0', '-an', '-sn', '-dn', '-f', 'image2pipe', '-c:v', 'ppm'],
      ...['-pix_fmt', 'rgb24', 'pipe:1'],
    ],
    { maxBuffer: 2 * 1024 ** 3 },
  );
  const frameBytes = `P6\n${width} ${height}\n255\n`.length + width * height * 3;
  if (out.length % frameBytes !== 0)
    throw new Error(`ffmpeg wrote ${out.length} bytes: not whole frames`);
  return out.length / frameBytes;
}

/**
 * MD5 of every decoded frame's rgb24 pixels in decode order, by ffmpeg's framemd5 muxer with
 * passthrough timing: entry i is the file's frame i (0-based), once each.
 */
export function frameDigests(path: string): string[] {
  const out = execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', 'file:' + path],
      ...['-map', '0:v:0', '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'framemd5', '-'],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  ).toString();
  return out
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

export const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

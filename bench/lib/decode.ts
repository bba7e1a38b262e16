/**
 * decode_fps of the realvideo limit: ffmpeg alone decoding a file to raw RGB24 frames
 * (`ffmpeg -i FILE -f rawvideo -pix_fmt rgb24 -y /dev/null`), with its default (automatic)
 * threads, timed from spawn to exit, so its start-up counts as it does in the service.
 * `-benchmark` adds ffmpeg's own CPU time, `-progress` the frame count.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median, round } from './stats.js';

const run = promisify(execFile);

export interface DecodeResult {
  file: string;
  frames: number;
  /** Frames per second of wall time, the median of the repeats. */
  fps: number;
  /** ffmpeg's CPU (user + system) per frame, ms, of the median run. */
  cpuMsPerFrame: number;
  runsFps: number[];
}

async function decodeOnce(file: string): Promise<{ frames: number; wallS: number; cpuS: number }> {
  const t0 = performance.now();
  const { stdout, stderr } = await run(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-benchmark', '-progress', 'pipe:1', '-i', file],
      ...['-map', '0:v:0', '-an', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', '/dev/null'],
    ],
    { maxBuffer: 16 << 20, timeout: 120_000 },
  );
  const wallS = (performance.now() - t0) / 1000;
  const frames = [...stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1])).pop() ?? 0;
  const b = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  const cpuS = b ? Number(b[1]) + Number(b[2]) : 0;
  if (frames === 0) throw new Error(`ffmpeg decoded no frame of ${file}: ${stderr.slice(-500)}`);
  return { frames, wallS, cpuS };
}

export async function decodeFps(file: string, repeats = 3): Promise<DecodeResult> {
  const runs = [];
  for (let i = 0; i < repeats; i++) runs.push(await decodeOnce(file));
  const fpsList = runs.map((r) => r.frames / r.wallS);
  const mid = median(fpsList);
  const chosen =
    runs[
      fpsList.indexOf(fpsList.reduce((a, b) => (Math.abs(b - mid) < Math.abs(a - mid) ? b : a)))
    ]!;
  return {
    file,
    frames: chosen.frames,
    fps: round(mid, 1),
    cpuMsPerFrame: round((chosen.cpuS * 1000) / chosen.frames, 2),
    runsFps: fpsList.map((f) => round(f, 1)),
  };
}

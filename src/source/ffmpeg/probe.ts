/**
 * ffprobe of a video file, with a deadline: size and frame rate, and an early, clear error for a
 * file ffmpeg cannot decode. Streams are not probed (see ppm-parser.ts).
 */
import { AdelineError } from '../../domain/errors.js';
import { runToEnd } from './ffmpeg-process.js';
import { ffmpegReason } from './ffmpeg-reason.js';

export interface ProbeResult {
  width: number;
  height: number;
  /** Frames/s, or null when the file does not say. */
  fps: number | null;
}

interface ProbeJson {
  streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }[];
}

/** "30000/1001" → 29.97; "0/0" → null. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const [n, d] = rate.split('/').map(Number);
  const v = d === undefined ? n : n! / d;
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : null;
}

export function ffmpegMissing(bin: string, cause: unknown): AdelineError {
  return new AdelineError(
    'ADELINE_ERR_FFMPEG_MISSING',
    `cannot run "${bin}": it is not installed or not on PATH; install ffmpeg (Debian: apt-get install ffmpeg)`,
    { cause },
  );
}

export async function probeFile(
  path: string,
  ffprobe: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  const args = ['-v', 'error', '-select_streams', 'v:0'];
  args.push(
    '-show_entries',
    'stream=width,height,avg_frame_rate,r_frame_rate',
    '-of',
    'json',
    'file:' + path,
  );
  const r = await runToEnd(ffprobe, args, timeoutMs);
  if (r.spawnError) throw ffmpegMissing(ffprobe, r.spawnError);
  if (r.timedOut) {
    throw new AdelineError(
      'ADELINE_ERR_SOURCE_DECODE',
      `ffprobe did not finish reading ${path} within ${timeoutMs} ms`,
    );
  }
  const why = ffmpegReason(r.stderr, path);
  if (r.code !== 0) {
    throw new AdelineError(
      'ADELINE_ERR_SOURCE_DECODE',
      `ffmpeg cannot decode ${path}: ${why || `ffprobe exited with ${r.code ?? r.signal}`}; check that it is a video file`,
    );
  }
  let json: ProbeJson;
  try {
    json = JSON.parse(r.stdout) as ProbeJson;
  } catch (err) {
    throw new AdelineError(
      'ADELINE_ERR_SOURCE_DECODE',
      `ffprobe gave unreadable output for ${path}`,
      { cause: err },
    );
  }
  const s = json.streams?.[0];
  if (!s || !s.width || !s.height) {
    throw new AdelineError(
      'ADELINE_ERR_SOURCE_DECODE',
      `${path} has no video stream; give a video file`,
    );
  }
  return {
    width: s.width,
    height: s.height,
    fps: parseRate(s.avg_frame_rate) ?? parseRate(s.r_frame_rate),
  };
}

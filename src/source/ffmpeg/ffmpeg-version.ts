/**
 * Which ffmpeg runs, from `ffmpeg -version`, and the timing options that fit it. Frames are
 * passed through with their own timestamps (no frame-rate conversion): ffmpeg's default for
 * raw image output is constant frame rate, which duplicates or drops frames whenever a file's
 * timestamps are not constant-rate (r_frame_rate ≠ avg_frame_rate), so frame N would no longer
 * be the file's frame N.
 */

export interface FfmpegVersion {
  major: number;
  minor: number;
}

/** "ffmpeg version 5.1.9-0+deb12u1 …" → {5, 1}; "n6.1.1", "7.0" too; null for git builds ("N-1234-g…"). */
export function parseFfmpegVersion(text: string): FfmpegVersion | null {
  const m = /ffmpeg version n?(\d+)\.(\d+)/i.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * Output options that deliver every decoded frame once, with its own timestamp.
 * ffmpeg >= 5.1 (and unknown builds, assumed recent): `-fps_mode passthrough`, with the
 * encoder time base taken from the input (`-enc_time_base -1`) so that frames closer together
 * than 1/r_frame_rate keep distinct timestamps. Older ffmpeg: `-vsync passthrough`.
 */
export function passthroughTimingArgs(version: FfmpegVersion | null): string[] {
  if (version && (version.major < 5 || (version.major === 5 && version.minor < 1)))
    return ['-vsync', 'passthrough'];
  return ['-fps_mode', 'passthrough', '-enc_time_base', '-1'];
}

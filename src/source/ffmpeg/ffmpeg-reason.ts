import { printable } from '../../domain/printable.js';

/**
 * ffmpeg's or ffprobe's stderr as the one-line reason an error message quotes. Shared by the
 * probe (ffprobe of a file) and the decode session (ffmpeg-errors.ts), so that both print one line.
 */

/**
 * The reason, in one line: the last line of stderr without the URL or path it names and without
 * the `[demuxer @ 0x…]` prefix, plus the line before when that says more ("moov atom not found"
 * before "Invalid data found when processing input"). Runs of whitespace become one space, and
 * characters that do not print are escaped (printable.ts): a file name or a stream can carry them.
 */
export function ffmpegReason(text: string, target: string): string {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) =>
      l
        .replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/i, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((l) => l.length > 0);
  const last = lines.at(-1) ?? '';
  const summary = [target + ': ', 'file:' + target + ': '].reduce(
    (t, p) => (t.startsWith(p) ? t.slice(p.length) : t),
    last,
  );
  const prev = lines.at(-2);
  if (!prev || prev.includes(summary)) return printable(summary);
  return printable(`${prev} (${summary})`);
}

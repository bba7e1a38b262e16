/** Turns how an ffmpeg run ended into one clear AdelineError (credentials redacted). */
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { AdelineError } from '../../domain/errors.js';
import { ffmpegReason } from './ffmpeg-reason.js';
import { ffmpegMissing } from './probe.js';
import { runToEnd } from './ffmpeg-process.js';
import type { SessionEnd } from './ffmpeg-session.js';
import { parseFfmpegVersion, type FfmpegVersion } from './ffmpeg-version.js';

export { ffmpegReason };

export interface FailureContext {
  kind: 'file' | 'stream';
  /** Path, or URL with credentials removed. */
  description: string;
  bin: string;
  redact(text: string): string;
}

export function sessionFailure(end: SessionEnd, ctx: FailureContext): AdelineError {
  const why = ffmpegReason(ctx.redact(end.message), ctx.description);
  if (end.kind === 'missing') return ffmpegMissing(ctx.bin, end.cause);
  if (ctx.kind === 'file') {
    return new AdelineError(
      'ADELINE_ERR_SOURCE_DECODE',
      `ffmpeg cannot decode ${ctx.description}: ${why || 'it produced no frames'}; check that it is a video file`,
      { cause: end.cause },
    );
  }
  if (end.frames > 0) {
    const what = end.kind === 'eof' ? 'the stream ended' : why;
    return new AdelineError(
      'ADELINE_ERR_SOURCE_UNREACHABLE',
      `stream ${ctx.description} was lost: ${what}`,
      { cause: end.cause },
    );
  }
  return new AdelineError(
    'ADELINE_ERR_SOURCE_UNREACHABLE',
    `cannot open stream ${ctx.description}: ${why || 'it sent no video'}; check the URL and that the camera or server is reachable`,
    { cause: end.cause },
  );
}

/** Rejects with ADELINE_ERR_SOURCE_NOT_FOUND unless `path` is a readable file. */
export async function checkVideoFile(path: string): Promise<void> {
  const hint = 'check pipeline.sources[].url (or --source)';
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
    await access(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'does not exist'
        : `cannot be read (${code ?? String(err)})`;
    throw new AdelineError('ADELINE_ERR_SOURCE_NOT_FOUND', `video file ${path} ${what}; ${hint}`, {
      cause: err,
    });
  }
  if (isDir)
    throw new AdelineError(
      'ADELINE_ERR_SOURCE_NOT_FOUND',
      `video file ${path} is a directory; ${hint}`,
    );
}

const checked = new Map<string, Promise<FfmpegVersion | null>>();

/**
 * Rejects with ADELINE_ERR_FFMPEG_MISSING unless `bin -version` runs (checked once per binary);
 * resolves with its version (null when the banner does not say, e.g. a git build).
 */
export function checkFfmpeg(bin: string, timeoutMs = 10_000): Promise<FfmpegVersion | null> {
  let p = checked.get(bin);
  if (!p) {
    p = runToEnd(bin, ['-hide_banner', '-version'], timeoutMs).then((r) => {
      if (r.spawnError || r.code !== 0) {
        checked.delete(bin);
        throw ffmpegMissing(
          bin,
          r.spawnError ?? new Error(r.stderr || `exit ${r.code ?? r.signal}`),
        );
      }
      return parseFfmpegVersion(r.stdout);
    });
    checked.set(bin, p);
  }
  return p;
}

/**
 * Source URL classification and credential redaction. A source URL is `synthetic:` (with an
 * optional `?key=value` query), a file path or `file:` URL, or a stream URL that ffmpeg opens.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdelineError } from '../domain/errors.js';

/** Stream schemes ffmpeg reads live. */
export const STREAM_SCHEMES = [
  'rtsp',
  'rtsps',
  'http',
  'https',
  'rtmp',
  'rtmps',
  'tcp',
  'udp',
  'srt',
] as const;

export type ClassifiedSource =
  | { kind: 'synthetic'; params: URLSearchParams; description: string }
  | { kind: 'file'; path: string; description: string }
  | { kind: 'stream'; url: string; scheme: string; description: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** Classifies a source URL. Throws ADELINE_ERR_CONFIG for an empty URL or an unknown scheme. */
export function classifySourceUrl(url: string, cwd = process.cwd()): ClassifiedSource {
  if (typeof url !== 'string') throw new TypeError('source url must be a string');
  const trimmed = url.trim();
  if (trimmed === '') {
    throw new AdelineError(
      'ADELINE_ERR_CONFIG',
      'source url is empty; give a file path, a stream URL or synthetic:',
    );
  }
  const m = SCHEME.exec(trimmed);
  const scheme = m?.[1]?.toLowerCase();
  // One letter before ':' is a Windows drive, not a scheme; no scheme at all is a path.
  if (!scheme || scheme.length === 1) {
    const path = resolve(cwd, trimmed);
    return { kind: 'file', path, description: path };
  }
  if (scheme === 'synthetic') {
    const rest = trimmed.slice('synthetic:'.length).replace(/^\/\//, '');
    const q = rest.indexOf('?');
    const params = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '');
    return { kind: 'synthetic', params, description: 'synthetic:' + (q >= 0 ? rest.slice(q) : '') };
  }
  if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(trimmed);
    } catch (err) {
      throw new AdelineError(
        'ADELINE_ERR_CONFIG',
        `source url "${trimmed}" is not a valid file: URL; use file:///absolute/path`,
        {
          cause: err,
        },
      );
    }
    return { kind: 'file', path, description: path };
  }
  if ((STREAM_SCHEMES as readonly string[]).includes(scheme)) {
    return { kind: 'stream', url: trimmed, scheme, description: redactUrl(trimmed) };
  }
  throw new AdelineError(
    'ADELINE_ERR_CONFIG',
    `source url "${redactUrl(trimmed)}" has the unsupported scheme "${scheme}:"; use a file path, synthetic:, or one of ${STREAM_SCHEMES.map((s) => s + '://').join(', ')}`,
  );
}

const SECRET_PARAM = /pass|pwd|token|secret|key|auth|sig|credential/i;

/** The URL with its password (and secret-looking query values) replaced by `***`. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not parseable: still hide anything that looks like user:password@.
    return url.replace(/\/\/([^/@\s:]*):[^/@\s]*@/, '//$1:***@');
  }
  if (u.password) u.password = '***';
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) u.searchParams.set(key, '***');
  }
  return u.toString();
}

/** Replaces every occurrence of `url` and of its password in `text` (ffmpeg output) with redacted forms. */
export function redactText(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  try {
    const u = new URL(url);
    if (u.password) {
      out = out.split(u.password).join('***');
      const decoded = decodeURIComponent(u.password);
      if (decoded !== u.password) out = out.split(decoded).join('***');
    }
  } catch {
    /* not a URL: nothing more to hide */
  }
  return out;
}

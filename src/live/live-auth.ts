/**
 * Live view authentication: none, a bearer token, or HTTP basic auth. Secrets are compared in
 * constant time (over their SHA-256 digests, so lengths do not leak either) and never echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type LiveAuth =
  | { mode: 'none' }
  | { mode: 'bearer'; token: string }
  | { mode: 'basic'; username: string; password: string };

/** ok, or why not: no credentials, wrong ones, or an Authorization header that cannot be read. */
export type AuthOutcome = 'ok' | 'missing' | 'wrong' | 'malformed';

const MAX_HEADER = 4096;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Checks an Authorization header value against the configured auth. */
export function checkAuth(auth: LiveAuth, header: string | undefined): AuthOutcome {
  if (auth.mode === 'none') return 'ok';
  if (header === undefined || header === '') return 'missing';
  if (header.length > MAX_HEADER) return 'malformed';
  const m = /^(\S+) +(\S+)$/.exec(header.trim());
  if (!m) return 'malformed';
  const scheme = (m[1] as string).toLowerCase();
  const value = m[2] as string;
  if (auth.mode === 'bearer') {
    if (scheme !== 'bearer') return scheme === 'basic' ? 'wrong' : 'malformed';
    return same(value, auth.token) ? 'ok' : 'wrong';
  }
  if (scheme !== 'basic') return scheme === 'bearer' ? 'wrong' : 'malformed';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return 'malformed';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  const userOk = same(decoded.slice(0, colon), auth.username);
  const passOk = same(decoded.slice(colon + 1), auth.password);
  return userOk && passOk ? 'ok' : 'wrong';
}

/** The WWW-Authenticate challenge of a 401. */
export function challenge(auth: LiveAuth): string | undefined {
  if (auth.mode === 'basic') return 'Basic realm="Adeline live view", charset="UTF-8"';
  if (auth.mode === 'bearer') return 'Bearer realm="Adeline live view"';
  return undefined;
}

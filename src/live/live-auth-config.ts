/** Turns live_view.auth into the secrets to check, reading token_file / password_file once. */
import { readFileSync } from 'node:fs';
import type { AdelineConfig } from '../config/schema.js';
import { AdelineError } from '../domain/errors.js';
import type { LiveAuth } from './live-auth.js';

type AuthConfig = AdelineConfig['live_view']['auth'];

function secret(value: string | null, file: string | null, key: string): string {
  if (value !== null) return value;
  if (file === null)
    throw new AdelineError(
      'ADELINE_ERR_CONFIG',
      `live_view.auth.${key} is not set; set it or ${key}_file`,
    );
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AdelineError(
      'ADELINE_ERR_CONFIG',
      `live_view.auth.${key}_file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the path and its permissions`,
      { cause: err },
    );
  }
  const s = text.replace(/\r?\n$/, '');
  if (s.length === 0 || /[\r\n]/.test(s))
    throw new AdelineError(
      'ADELINE_ERR_CONFIG',
      `live_view.auth.${key}_file ${file} must hold the secret on one line (it is empty or has several lines)`,
    );
  return s;
}

export function resolveLiveAuth(c: AuthConfig): LiveAuth {
  if (c.mode === 'bearer') return { mode: 'bearer', token: secret(c.token, c.token_file, 'token') };
  if (c.mode === 'basic')
    return {
      mode: 'basic',
      username: c.username,
      password: secret(c.password, c.password_file, 'password'),
    };
  return { mode: 'none' };
}

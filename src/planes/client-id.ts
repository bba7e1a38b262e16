/**
 * Unique MQTT client ids: `<prefix>-<role>-<host>-<pid>-<random>`. Python used fixed ids
 * (inference_control / inference_data), so two instances kicked each other off the broker.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export interface ClientIdParts {
  host?: string;
  pid?: number;
  random?: string;
}

/** Keeps a host name to letters, digits, _ and -, at most 32 characters. */
export function sanitiseHost(host: string): string {
  const clean = host.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
  return clean.length > 0 ? clean : 'host';
}

export function buildClientId(prefix: string, role: string, parts: ClientIdParts = {}): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(prefix)) {
    throw new RangeError(`client id prefix "${prefix}" must be 1–40 letters, digits, _ or -`);
  }
  if (!/^[a-z][a-z0-9_-]{0,15}$/.test(role)) {
    throw new RangeError(
      `client id role "${role}" must be 1–16 lower-case letters, digits, _ or -`,
    );
  }
  const host = sanitiseHost(parts.host ?? hostname());
  const pid = parts.pid ?? process.pid;
  const random = parts.random ?? randomBytes(3).toString('hex');
  return `${prefix}-${role}-${host}-${pid}-${random}`;
}

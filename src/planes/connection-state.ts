/**
 * The state of one MQTT connection: one discriminated union, not a handful of booleans.
 *
 *   idle ─start()─► connecting ─CONNACK ok─► connected ─lost─► offline ─timer─► reconnecting ─► …
 *                        └──────refused / unreachable──────────────┘              stop() ─► closed
 */
import type { AdelineError } from '../domain/errors.js';
import { isoUtc } from './timestamp.js';

export type ConnectionState =
  | { kind: 'idle'; since: number }
  | { kind: 'connecting'; since: number }
  | { kind: 'connected'; since: number; protocolVersion: 4 | 5 }
  /** Not connected; `retryInMs` until the next attempt (null: no automatic retry). */
  | { kind: 'offline'; since: number; lastError: AdelineError; retryInMs: number | null }
  | { kind: 'reconnecting'; since: number; attempt: number; lastError: AdelineError | null }
  | { kind: 'closed'; since: number };

export type ConnectionStateKind = ConnectionState['kind'];

/** A JSON view of a connection for health checks, replies and logs (no secrets). */
export interface ConnectionStatus {
  plane: string;
  state: ConnectionStateKind;
  connected: boolean;
  since: string;
  client_id: string;
  broker: string;
  protocol_version: 4 | 5 | null;
  reconnect_attempts: number;
  last_error: { code: string; message: string } | null;
}

export function describeState(s: ConnectionState): string {
  switch (s.kind) {
    case 'idle':
      return 'not started';
    case 'connecting':
      return 'connecting';
    case 'connected':
      return `connected (MQTT ${s.protocolVersion === 5 ? '5' : '3.1.1'})`;
    case 'offline':
      return `offline: ${s.lastError.message}${s.retryInMs === null ? '' : `; retrying in ${s.retryInMs} ms`}`;
    case 'reconnecting':
      return `reconnecting (attempt ${s.attempt})`;
    case 'closed':
      return 'closed';
  }
}

export function statusOf(
  s: ConnectionState,
  v: {
    plane: string;
    clientId: string;
    broker: string;
    attempts: number;
    lastError: AdelineError | null;
  },
): ConnectionStatus {
  return {
    plane: v.plane,
    state: s.kind,
    connected: s.kind === 'connected',
    since: isoUtc(s.since),
    client_id: v.clientId,
    broker: v.broker,
    protocol_version: s.kind === 'connected' ? s.protocolVersion : null,
    reconnect_attempts: v.attempts,
    last_error: v.lastError ? { code: v.lastError.code, message: v.lastError.message } : null,
  };
}

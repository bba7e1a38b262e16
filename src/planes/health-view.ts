/**
 * What the planes tell the health checks (src/health/checks/mqtt-plane.ts reads this shape;
 * planes/ may not import health/, so the shape is repeated here and kept structurally equal).
 */
import type { Spool } from '../resilience/types.js';
import type { MqttConnection } from './connection.js';

export type PlaneConnectionView =
  'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'auth_failed';

export interface PlaneHealthView {
  connection: PlaneConnectionView;
  lastError?: string | null;
  breaker?: 'closed' | 'open' | 'half-open' | 'isolated';
  spool?: {
    messages: number;
    bytes: number;
    maxBytes: number;
    full?: boolean;
    dropped?: number;
  } | null;
}

export function connectionView(
  conn: MqttConnection,
): Pick<PlaneHealthView, 'connection' | 'lastError'> {
  const s = conn.state();
  const lastError = conn.status().last_error;
  if (s.kind === 'connected') return { connection: 'connected', lastError: null };
  if (lastError?.code === 'ADELINE_ERR_MQTT_AUTH')
    return { connection: 'auth_failed', lastError: lastError.message };
  const connection: PlaneConnectionView =
    s.kind === 'idle' || s.kind === 'connecting'
      ? 'connecting'
      : s.kind === 'reconnecting'
        ? 'reconnecting'
        : 'disconnected';
  return { connection, lastError: lastError?.message ?? null };
}

export function spoolView(spool: Spool | null): PlaneHealthView['spool'] {
  if (spool === null) return null;
  const st = spool.status?.();
  if (st === undefined) return { messages: spool.size(), bytes: spool.bytes(), maxBytes: 0 };
  return {
    messages: st.messages,
    bytes: st.bytes,
    maxBytes: st.maxBytes,
    full: st.full,
    dropped: st.droppedFull,
  };
}

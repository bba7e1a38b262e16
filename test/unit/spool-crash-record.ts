import type { SpoolRecord } from '../../src/resilience/types.js';

/** The record with message_id `i` written by spool-kill-child.ts; sizes vary with `i`. */
export function crashRecord(i: number, pad: number): SpoolRecord {
  return {
    topic: `adeline/detections/${i % 3}`,
    payload: JSON.stringify({ message_id: i, pad: String(i % 10).repeat(pad + (i % 5) * 1000) }),
    qos: 1,
    sourceId: i % 3,
    messageId: i,
    traceparent: `00-${i.toString(16).padStart(32, '0')}-${'c'.repeat(16)}-01`,
    spooledAtMs: 1_700_000_000_000 + i,
  };
}

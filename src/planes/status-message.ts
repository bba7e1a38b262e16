/**
 * Status messages on topics.control_status: the Python fields (status, timestamp, client_id)
 * plus, on command replies, command, request_id, result or error and valid_commands.
 */
import type { PipelineState } from '../domain/control.js';
import { isoUtc } from './timestamp.js';

/** The Python values, plus `error` for error replies. */
export type StatusValue = 'connected' | 'running' | 'paused' | 'stopped' | 'disconnected' | 'error';

export interface StatusMessage {
  status: StatusValue;
  timestamp: string;
  client_id: string;
  command?: string;
  request_id?: string | number;
  result?: unknown;
  error?: { code: string; message: string };
  valid_commands?: string[];
}

/** The status a pipeline state is reported as. `starting` reports running: the service is up and frames follow. */
export function statusOfPipeline(s: PipelineState): StatusValue {
  switch (s) {
    case 'starting':
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'stopped':
      return 'stopped';
  }
}

export function buildStatusMessage(
  status: StatusValue,
  clientId: string,
  extra: Omit<StatusMessage, 'status' | 'timestamp' | 'client_id'> = {},
  nowMs: number = Date.now(),
): StatusMessage {
  return { status, timestamp: isoUtc(nowMs), client_id: clientId, ...extra };
}

/** The log line of a source state change: source_opened, source_stalled, source_ended, source_failed. */
import type { SourceState } from './frame-source.js';
import { getLogger, logEvent } from '../telemetry/logger.js';

const log = getLogger('source');

export interface TransitionInfo {
  sourceId: number;
  description: string;
  framesRead: number;
  lastError: string | undefined;
  stallTimeoutMs: number;
}

export function logTransition(next: SourceState, prev: SourceState, i: TransitionInfo): void {
  const f = { source_id: i.sourceId, source: i.description, previous: prev };
  if (next === 'delivering' && (prev === 'connecting' || prev === 'reconnecting')) {
    logEvent(log, 'source_opened', `source ${i.sourceId} is delivering`, f);
  } else if (next === 'stalled') {
    const ms = Math.round(i.stallTimeoutMs);
    logEvent(log, 'source_stalled', `source ${i.sourceId} delivered no frame for ${ms} ms`, {
      ...f,
      stall_timeout_ms: ms,
    });
  } else if (next === 'ended') {
    logEvent(log, 'source_ended', `source ${i.sourceId} ended after ${i.framesRead} frames`, {
      ...f,
      frames_read: i.framesRead,
    });
  } else if (next === 'failed') {
    const err = i.lastError ?? 'unknown error';
    logEvent(log, 'source_failed', `source ${i.sourceId} failed: ${err}`, { ...f, error: err });
  }
}

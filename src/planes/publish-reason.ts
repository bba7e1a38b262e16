/**
 * The `reason` label of adeline_mqtt_messages_failed_total for a failed publish. Policy errors are
 * recognised by name (cockatiel's BrokenCircuitError, TaskCancelledError, BulkheadRejectedError),
 * so planes/ need not import cockatiel.
 */
import { isAdelineError, rejectionKindOf } from '../domain/errors.js';

export type FailureReason =
  'disconnected' | 'breaker_open' | 'timeout' | 'bulkhead_full' | 'spool_error' | 'error';

export function failureReason(err: unknown): FailureReason {
  const rejection = rejectionKindOf(err); // set by src/resilience/policies.ts
  if (rejection) return rejection;
  if (isAdelineError(err)) {
    if (err.details?.reason === 'disconnected') return 'disconnected';
    if (err.code === 'ADELINE_ERR_SPOOL_IO') return 'spool_error';
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'BrokenCircuitError' || name === 'IsolatedCircuitError') return 'breaker_open';
  if (name === 'TaskCancelledError') return 'timeout';
  if (name === 'BulkheadRejectedError') return 'bulkhead_full';
  return 'error';
}

import type { HealthCheckResult } from '../../domain/health.js';

/** What a check's run() returns; the registry adds name, duration and time. */
export type CheckOutcome = Omit<HealthCheckResult, 'name' | 'durationMs' | 'checkedAtMs'>;

/** A cockatiel breaker's state as CallPolicy.breakerState() reports it. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

/**
 * What every health check has: a name, an interval and whether it takes part in readiness and
 * liveness, checked once here at the API edge (TypeError / RangeError, STYLE.md 9).
 */
import type { HealthCheck } from '../../domain/health.js';
import { requireName, requirePositive } from '../validate.js';
import type { CheckOutcome } from './types.js';

export interface CheckIdentityOptions {
  /** The check's name in /health/detailed; each check has its own default. */
  name?: string | undefined;
  /** health.check_interval_ms (or the check's own interval), milliseconds. */
  intervalMs: number;
}

export interface CheckRoles {
  name: string;
  /** Default true. */
  readiness?: boolean;
  /** Default false. */
  liveness?: boolean;
}

export abstract class CheckBase implements HealthCheck {
  readonly name: string;
  readonly intervalMs: number;
  readonly readiness: boolean;
  readonly liveness: boolean;

  protected constructor(opts: CheckIdentityOptions, roles: CheckRoles) {
    this.name = requireName('name', opts.name ?? roles.name);
    this.intervalMs = requirePositive('intervalMs', opts.intervalMs);
    this.readiness = roles.readiness ?? true;
    this.liveness = roles.liveness ?? false;
  }

  abstract run(): Promise<CheckOutcome>;
}

/**
 * Argument checks at the health API edges: wrong types throw TypeError, out-of-range values
 * RangeError (STYLE.md 9). Also turns whatever a check's run() returned into a trusted outcome.
 */
import type { HealthCheck, HealthCheckResult, HealthStatus } from '../domain/health.js';

const STATUSES: readonly HealthStatus[] = ['healthy', 'degraded', 'unhealthy'];

export function isHealthStatus(v: unknown): v is HealthStatus {
  return typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
}

/** Throws unless `v` is a finite number > 0 (or >= 0 with allowZero). */
export function requirePositive(name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || Number.isNaN(v))
    throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(`${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${v}`);
  }
  return v;
}

export function requireFunction(name: string, v: unknown): void {
  if (typeof v !== 'function') throw new TypeError(`${name} must be a function, got ${typeof v}`);
}

export function requireName(name: string, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`${name} must be a string, got ${typeof v}`);
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(v)) {
    throw new RangeError(`${name} "${v}" must be 1–64 letters, digits, _ . : or -`);
  }
  return v;
}

export function validateCheck(check: HealthCheck): void {
  if (typeof check !== 'object' || check === null) throw new TypeError('check must be an object');
  requireName('check.name', check.name);
  requirePositive(`check "${check.name}" intervalMs`, check.intervalMs);
  requireFunction(`check "${check.name}" run`, check.run);
}

type Outcome = Omit<HealthCheckResult, 'name' | 'durationMs' | 'checkedAtMs'>;

/** A check's run() result, checked: anything malformed becomes unhealthy with the reason. */
export function checkRunOutcome(got: unknown): Outcome {
  if (typeof got !== 'object' || got === null) {
    return {
      status: 'unhealthy',
      message: `check returned ${got === null ? 'null' : typeof got}, not a result`,
    };
  }
  const r = got as Partial<Outcome>;
  if (!isHealthStatus(r.status)) {
    return {
      status: 'unhealthy',
      message: `check returned an invalid status: ${JSON.stringify(r.status) ?? 'undefined'}`,
    };
  }
  const details = typeof r.details === 'object' && r.details !== null ? r.details : {};
  return { status: r.status, message: typeof r.message === 'string' ? r.message : '', details };
}

/**
 * The JSON bodies of the health endpoints. `/health/detailed` follows the seed proposal:
 * {status, checks: {name: {status, message, duration_ms, details, checked_at}}, timestamp, version, uptime_s}.
 * Times are epoch seconds, like the seed's `timestamp`.
 */
import type { HealthCheckResult, HealthStatus } from '../domain/health.js';
import type { HealthView, ReadyView } from './registry.js';

export interface DetailedCheck {
  status: HealthStatus;
  message: string;
  duration_ms: number;
  details: Record<string, unknown>;
  /** Epoch seconds of the last run; null before the first one. */
  checked_at: number | null;
  liveness: boolean;
  readiness: boolean;
}

export interface DetailedBody {
  status: HealthStatus;
  checks: Record<string, DetailedCheck>;
  /** Epoch seconds. */
  timestamp: number;
  version: string;
  uptime_s: number;
  shutting_down: boolean;
}

export interface ProbeBody {
  status: HealthStatus;
  /** Each counted check's status. */
  checks: Record<string, HealthStatus>;
  shutting_down?: boolean;
}

export function detailedBody(
  view: HealthView,
  meta: { nowMs: number; version: string; uptimeS: number; shuttingDown: boolean },
): DetailedBody {
  const checks: Record<string, DetailedCheck> = {};
  for (const r of view.checks) checks[r.name] = detailedCheck(r);
  return {
    status: view.status,
    checks,
    timestamp: meta.nowMs / 1000,
    version: meta.version,
    uptime_s: Math.round(meta.uptimeS * 1000) / 1000,
    shutting_down: meta.shuttingDown,
  };
}

function detailedCheck(r: HealthCheckResult): DetailedCheck {
  return {
    status: r.status,
    message: r.message,
    duration_ms: Math.round(r.durationMs * 100) / 100,
    details: r.details ?? {},
    checked_at: r.checkedAtMs > 0 ? r.checkedAtMs / 1000 : null,
    liveness: r.liveness === true,
    readiness: r.readiness !== false,
  };
}

export function probeBody(view: HealthView | ReadyView): ProbeBody {
  const checks: Record<string, HealthStatus> = {};
  for (const r of view.checks) checks[r.name] = r.status;
  const body: ProbeBody = { status: view.status, checks };
  if ('shuttingDown' in view) body.shutting_down = view.shuttingDown;
  return body;
}

/** 200 unless unhealthy (503). */
export function httpStatusOf(status: HealthStatus): 200 | 503 {
  return status === 'unhealthy' ? 503 : 200;
}

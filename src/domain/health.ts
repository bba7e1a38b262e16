export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthCheckResult {
  name: string;
  status: HealthStatus;
  message: string;
  /** How long the check took, milliseconds. */
  durationMs: number;
  /** When the check last ran, epoch milliseconds. */
  checkedAtMs: number;
  details?: Record<string, unknown>;
  /** Whether this check takes part in readiness (`/health/ready`). Default true. */
  readiness?: boolean;
  /** Whether this check takes part in liveness (`/health/live`). Default false. */
  liveness?: boolean;
}

/** A component's health check. `run()` must not throw; the registry guards it anyway. */
export interface HealthCheck {
  readonly name: string;
  /** How often the registry runs it, milliseconds. */
  readonly intervalMs: number;
  readonly readiness?: boolean;
  readonly liveness?: boolean;
  run(): Promise<Omit<HealthCheckResult, 'name' | 'durationMs' | 'checkedAtMs'>>;
}

const rank: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'healthy';
  for (const s of statuses) if (rank[s] > rank[worst]) worst = s;
  return worst;
}

export function healthStatusValue(s: HealthStatus): number {
  return rank[s];
}

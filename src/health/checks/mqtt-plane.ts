/**
 * An MQTT plane (readiness): connected is healthy; unreachable or breaker open while the spool
 * takes the messages is degraded; a full spool is degraded (the oldest messages are dropped);
 * refused credentials are unhealthy. With no spool, a plane that cannot publish reports
 * `whenDisconnected` (unhealthy by default; the control plane passes degraded).
 */
import type { HealthStatus } from '../../domain/health.js';
import { isHealthStatus, requireFunction } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { BreakerState, CheckOutcome } from './types.js';

export type PlaneConnection =
  'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'auth_failed';

export interface SpoolHealth {
  messages: number;
  bytes: number;
  /** spool.max_bytes */
  maxBytes: number;
  /** Default: bytes >= maxBytes. */
  full?: boolean;
  /** Records dropped because the spool was full, since start. */
  dropped?: number;
}

export interface PlaneHealth {
  connection: PlaneConnection;
  /** The last connect or publish error (for auth_failed: the broker's refusal). */
  lastError?: string | null;
  /** The publish policy's breaker, for the data plane. */
  breaker?: BreakerState;
  /** The disk spool behind the plane; null or absent when nothing spools. */
  spool?: SpoolHealth | null;
}

export interface MqttPlaneCheckOptions {
  status: () => PlaneHealth;
  /** health.check_interval_ms. */
  intervalMs: number;
  /** Default mqtt_data. */
  name?: string;
  /** Status when the plane cannot publish and nothing spools. Default unhealthy. */
  whenDisconnected?: HealthStatus;
}

export class MqttPlaneCheck extends CheckBase {
  private readonly status: () => PlaneHealth;
  private readonly whenDisconnected: HealthStatus;

  constructor(opts: MqttPlaneCheckOptions) {
    super(opts, { name: 'mqtt_data' });
    requireFunction('status', opts.status);
    const when = opts.whenDisconnected ?? 'unhealthy';
    if (!isHealthStatus(when))
      throw new RangeError(
        `whenDisconnected must be healthy, degraded or unhealthy, got ${String(when)}`,
      );
    this.status = opts.status;
    this.whenDisconnected = when;
  }

  run(): Promise<CheckOutcome> {
    return Promise.resolve(this.evaluate(this.status()));
  }

  private evaluate(s: PlaneHealth): CheckOutcome {
    const spool = s.spool ?? null;
    const details = {
      connection: s.connection,
      breaker: s.breaker ?? null,
      last_error: s.lastError ?? null,
      spool_messages: spool?.messages ?? null,
      spool_bytes: spool?.bytes ?? null,
      spool_max_bytes: spool?.maxBytes ?? null,
      spool_dropped: spool?.dropped ?? null,
    };
    const why = s.lastError ? `: ${s.lastError}` : '';
    if (s.connection === 'auth_failed') {
      return { status: 'unhealthy', message: `broker refused the credentials${why}`, details };
    }
    const full =
      spool !== null && (spool.full ?? (spool.maxBytes > 0 && spool.bytes >= spool.maxBytes));
    if (full) {
      return {
        status: 'degraded',
        message: `spool full (${spool.messages} messages); the oldest are being dropped`,
        details,
      };
    }
    const breakerOpen = s.breaker === 'open' || s.breaker === 'isolated';
    if (s.connection === 'connected' && !breakerOpen) {
      if (s.breaker === 'half-open')
        return {
          status: 'degraded',
          message: 'publish breaker half-open (trial publishes)',
          details,
        };
      const replay =
        spool && spool.messages > 0 ? `; replaying ${spool.messages} spooled messages` : '';
      return { status: 'healthy', message: `connected${replay}`, details };
    }
    const problem = breakerOpen
      ? `publish breaker ${s.breaker ?? 'open'}`
      : `broker ${s.connection}${why}`;
    if (spool !== null) {
      return {
        status: 'degraded',
        message: `${problem}; spooling (${spool.messages} messages waiting)`,
        details,
      };
    }
    return {
      status: this.whenDisconnected,
      message: `${problem}; messages are not delivered`,
      details,
    };
  }
}

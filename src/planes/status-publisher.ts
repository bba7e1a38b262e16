/**
 * What the control plane publishes: status and reply messages (retained, QoS qos.control; error
 * replies are not retained, so the retained message always tells the service's state),
 * availability (retained, QoS 1) and metrics (QoS 0). Each carries the active trace context in
 * MQTT 5 user properties, is counted by channel, and never throws into the caller.
 */
import { AdelineError, isAdelineError } from '../domain/errors.js';
import { addMetric } from '../telemetry/metrics.js';
import { getLogger, type Logger, logEvent } from '../telemetry/logger.js';
import { settleWithin } from './async-utils.js';
import type { MqttConfig } from './broker-url.js';
import type { MqttConnection } from './connection.js';
import type { MetricsMessage } from './metrics-message.js';
import { buildStatusMessage, type StatusMessage, type StatusValue } from './status-message.js';
import { injectUserProperties } from './trace-carrier.js';
import { VALID_COMMANDS } from './commands/table.js';

type Channel = 'status' | 'availability' | 'metrics';

/** Looked up per use, so a logger configured after import (configureLogger) is used. */
const log = (): Logger => getLogger('control-plane');

export class StatusPublisher {
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly conn: MqttConnection,
    private readonly cfg: MqttConfig,
  ) {}

  /** Sees every command reply (ControlPlane.observeReplies); a throw is ignored. */
  onReply: ((reply: StatusMessage) => void) | undefined;

  message(
    status: StatusValue,
    extra: Omit<StatusMessage, 'status' | 'timestamp' | 'client_id'> = {},
  ): StatusMessage {
    return buildStatusMessage(status, this.conn.clientId, extra);
  }

  /** A plain status message (connected, disconnected…), retained. Resolves when the broker has it. */
  status(s: StatusValue): Promise<boolean> {
    return this.send(
      'status',
      this.cfg.topics.control_status,
      JSON.stringify(this.message(s)),
      this.cfg.qos.control,
      true,
    );
  }

  /** A command reply; does not wait for the broker (replies stay in order anyway). */
  reply(msg: StatusMessage): void {
    const retain = msg.status !== 'error';
    try {
      this.onReply?.(msg);
    } catch {
      // an observer never stops a reply
    }
    void this.send(
      'status',
      this.cfg.topics.control_status,
      encodeReply(msg),
      this.cfg.qos.control,
      retain,
    );
  }

  availability(v: 'online' | 'offline'): Promise<boolean> {
    return this.send('availability', this.cfg.topics.availability, v, 1, true);
  }

  /** Rejects when the message could not be published (the command then gets an error reply). */
  async publishMetrics(msg: MetricsMessage): Promise<void> {
    const ok = await this.send('metrics', this.cfg.topics.metrics, JSON.stringify(msg), 0, false);
    if (!ok)
      throw new AdelineError(
        'ADELINE_ERR_MQTT_PUBLISH',
        `the metrics message could not be published to ${this.cfg.topics.metrics}; check the broker connection`,
      );
  }

  /** Waits (at most ms) for publishes still in flight. */
  async settle(ms: number): Promise<void> {
    await settleWithin(Promise.allSettled([...this.inflight]), ms);
  }

  private send(
    channel: Channel,
    topic: string,
    payload: string,
    qos: 0 | 1 | 2,
    retain: boolean,
  ): Promise<boolean> {
    const p = this.conn
      .publish(topic, payload, { qos, retain, userProperties: injectUserProperties() })
      .then(
        () => {
          addMetric('mqttPublished', 1, { channel });
          return true;
        },
        (err: unknown) => {
          const reason =
            isAdelineError(err) && typeof err.details?.reason === 'string'
              ? err.details.reason
              : 'error';
          addMetric('mqttFailed', 1, { channel, reason });
          logEvent(
            log(),
            'mqtt_publish_failed',
            `could not publish to ${topic}: ${(err as Error).message}`,
            { channel, reason },
          );
          return false;
        },
      );
    const tracked = p.then(() => undefined);
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
    return p;
  }
}

/** The reply as JSON; a result that cannot be encoded (a cycle, a BigInt) becomes an error reply. */
function encodeReply(msg: StatusMessage): string {
  try {
    return JSON.stringify(msg);
  } catch (err) {
    const error = {
      code: 'ADELINE_ERR_COMMAND_FAILED',
      message: `the reply to ${msg.command ?? 'the command'} could not be encoded as JSON: ${(err as Error).message}`,
    };
    const reply: StatusMessage = {
      ...msg,
      status: 'error',
      error,
      valid_commands: [...VALID_COMMANDS],
    };
    delete reply.result;
    return JSON.stringify(reply);
  }
}

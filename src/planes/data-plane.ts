/**
 * The data plane: one detection message per processed frame on topics.data (QoS qos.data),
 * through the injected publish policy, with the active trace context in MQTT 5 user properties.
 * Delivery is at-least-once (live-sender.ts): a message is confirmed by the broker, or spooled,
 * or counted as dropped. While the connection is down or the breaker is open, messages go to the
 * injected spool; the replayer drains it when publishing works, beside live data
 * (spool.replay.live_first) or ahead of it.
 */
import { memorySequence, type IdSequence } from '../resilience/id-sequence.js';
import { trace } from '@opentelemetry/api';
import type { MetricsSnapshot } from '../domain/control.js';
import { AdelineError, describeError } from '../domain/errors.js';
import type { FrameResult } from '../domain/frame-result.js';
import type { Component } from '../domain/lifecycle.js';
import { connectionView, spoolView, type PlaneHealthView } from './health-view.js';
import type { CallPolicy, Spool, SpoolRecord } from '../resilience/types.js';
import { getLogger, type Logger, logEvent } from '../telemetry/logger.js';
import { addMetric } from '../telemetry/metrics.js';
import { SPAN_EVENTS } from '../telemetry/schema.js';
import { frameRecord } from './frame-record.js';
import type { MqttConfig } from './broker-url.js';
import { MqttConnection } from './connection.js';
import { LogBudget } from './log-budget.js';
import { buildMetricsMessage } from './metrics-message.js';
import { failureReason, type FailureReason } from './publish-reason.js';
import { LiveSender } from './live-sender.js';
import { replayPublisher, SpoolReplayer, type ReplayOptions } from './spool-replayer.js';
import { injectUserProperties } from './trace-carrier.js';

/** The topic of the QoS 0 checkpoint UNSUBSCRIBE (live-sender.ts); nobody subscribes to it. */
export const CHECKPOINT_TOPIC = 'adeline/$checkpoint';

export interface DataPlaneOptions {
  mqtt: MqttConfig;
  url: string;
  /** The publish policy (bulkhead → breaker → retry → timeout), src/resilience/. */
  policy: CallPolicy;
  /** The disk spool; null when spool.enabled is false (failed messages are then dropped and counted). */
  spool: Spool | null;
  protocolVersion?: 4 | 5;
  env?: NodeJS.ProcessEnv;
  /** How often the replayer checks whether it can drain the spool, ms. Default 1000. */
  replayIntervalMs?: number;
  /** Where message_ids come from (default: 1, 2, 3, … in memory). The app passes a sequence that survives restarts. */
  messageIds?: IdSequence;
  /** The spool.replay section (default: live first, 256 in flight, no rate cap). */
  replay?: Partial<ReplayOptions>;
}

export interface PublishResult {
  messageId: number;
  /** true: the message went to the spool (it is replayed later, with the same message_id). */
  spooled: boolean;
}

/** Looked up per use, so a logger configured after import (configureLogger) is used. */
const log = (): Logger => getLogger('data-plane');

export class DataPlane implements Component {
  readonly name = 'data-plane';
  readonly connection: MqttConnection;
  private readonly replayer: SpoolReplayer | null;
  private readonly topic: string;
  private readonly metricsTopic: string;
  private readonly qos: 0 | 1 | 2;
  private readonly sender: LiveSender;
  private readonly liveFirst: boolean;
  private readonly budget = new LogBudget(10, 10_000);
  private readonly ids: IdSequence;
  private mode: 'idle' | 'running' | 'draining' | 'stopped' = 'idle';

  constructor(private readonly o: DataPlaneOptions) {
    this.topic = o.mqtt.topics.data;
    this.metricsTopic = o.mqtt.topics.metrics;
    this.ids = o.messageIds ?? memorySequence();
    this.qos = o.mqtt.qos.data;
    this.connection = new MqttConnection({
      role: 'data',
      url: o.url,
      mqtt: o.mqtt,
      protocolVersion: o.protocolVersion,
      env: o.env,
    });
    this.sender = new LiveSender({
      connection: this.connection,
      policy: o.policy,
      qos: this.qos,
      checkpointMs: o.mqtt.qos.data_checkpoint_ms ?? 50,
      checkpointTopic: CHECKPOINT_TOPIC,
      spool: (rec, reason) => this.toSpool(rec, reason),
    });
    this.liveFirst = o.replay?.live_first ?? true;
    const spool = o.spool;
    this.replayer =
      spool === null
        ? null
        : new SpoolReplayer({
            spool,
            intervalMs: o.replayIntervalMs ?? 1000,
            maxInFlight: o.replay?.max_in_flight ?? 256,
            ratePerS: o.replay?.rate_per_s ?? 0,
            canPublish: () => this.canPublish(),
            publish: replayPublisher(this.connection, o.policy, this.qos),
          });
    this.connection.onConnect(() => this.replayer?.kick());
  }

  /** Opens the spool (records left from a previous run are replayed), then connects. Never throws because the broker is away. */
  async start(): Promise<void> {
    if (this.mode !== 'idle') return;
    this.mode = 'running';
    await this.o.spool?.open();
    await this.connection.start();
    this.sender.start();
    this.replayer?.start();
  }

  /** The message_id the next frame gets. */
  peekNextMessageId(): number {
    return this.ids.peek();
  }

  /** Publishes (or spools) the detection message of one frame. Call it inside the frame's span. */
  async publishFrame(result: FrameResult): Promise<PublishResult> {
    const rec = frameRecord(result, this.ids.take(), this.topic, this.qos);
    addMetric('mqttBuilt', 1);
    const bypass = this.bypassReason();
    // Straight to the spool only when no older message is still queued, so none is overtaken.
    if (
      bypass !== null &&
      (bypass === 'shutdown' || bypass === 'behind_spool' || this.sender.idle())
    )
      return this.spoolFor(rec, bypass);
    try {
      const r = await this.sender.send(rec);
      // A live message got through (perhaps the breaker's trial call): the replay can go on now.
      if (r === 'sent') this.replayer?.kick();
      return { messageId: rec.messageId, spooled: r === 'spooled' };
    } catch (err) {
      if (this.budget.take() !== null) {
        const msg = `detection message ${rec.messageId} not published (${describeError(err)})`;
        logEvent(log(), 'publish_failed', msg, {
          message_id: rec.messageId,
          reason: failureReason(err),
        });
      }
      throw err;
    }
  }

  /** Publishes a metrics message on topics.metrics (QoS 0). Resolves false when not connected. */
  async publishMetrics(snapshot: MetricsSnapshot): Promise<boolean> {
    try {
      await this.connection.publish(
        this.metricsTopic,
        JSON.stringify(buildMetricsMessage(snapshot)),
        { qos: 0, userProperties: injectUserProperties() },
      );
      addMetric('mqttPublished', 1, { channel: 'metrics' });
      return true;
    } catch (err) {
      addMetric('mqttFailed', 1, { channel: 'metrics', reason: failureReason(err) });
      return false;
    }
  }

  /** Shutdown step: new frames go to the spool; waits up to timeoutMs for the broker to confirm what is in flight, then spools the rest. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.mode === 'running') this.mode = 'draining';
    await this.replayer?.stop();
    await this.sender.drain(timeoutMs, 'timeout');
  }

  /** Idempotent: drains (bounded), disconnects and closes the spool. */
  async stop(): Promise<void> {
    if (this.mode === 'stopped') return;
    if (this.mode !== 'idle') await this.drain(1000);
    this.mode = 'stopped';
    this.sender.stop();
    await this.connection.stop();
    await this.o.spool?.close();
  }

  /** Messages waiting in the spool (0 without a spool). */
  spooled(): number {
    return this.o.spool?.size() ?? 0;
  }

  breakerState(): ReturnType<CallPolicy['breakerState']> {
    return this.o.policy.breakerState();
  }

  /** For the mqtt_data health check (src/health/checks/mqtt-plane.ts). */
  healthView(): PlaneHealthView {
    return {
      ...connectionView(this.connection),
      breaker: this.o.policy.breakerState(),
      spool: spoolView(this.o.spool),
    };
  }

  private canPublish(): boolean {
    return (
      this.connection.isConnected() &&
      this.o.policy.breakerState() !== 'open' &&
      this.mode === 'running'
    );
  }

  private bypassReason(): FailureReason | 'behind_spool' | 'shutdown' | null {
    if (this.mode !== 'running') return 'shutdown';
    if (!this.connection.isConnected()) return 'disconnected';
    // An open breaker is not bypassed: the policy rejects fast (then spooled as breaker_open), and
    // after half_open_after_ms the next frame is its trial call, so the breaker can close again.
    if (!this.liveFirst && this.spooled() > 0) return 'behind_spool';
    return null;
  }

  private spoolFor(rec: SpoolRecord, reason: string): Promise<PublishResult> {
    return this.toSpool(rec, reason).then(() => ({ messageId: rec.messageId, spooled: true }));
  }

  /** Appends to the spool; the append is queued synchronously, so calls keep their order. */
  private async toSpool(rec: SpoolRecord, reason: string): Promise<void> {
    if (!NOT_FAILURES.has(reason)) addMetric('mqttFailed', 1, { channel: 'detections', reason });
    const spool = this.o.spool;
    if (spool === null) {
      addMetric('mqttDropped', 1, { reason: 'no_spool' });
      throw new AdelineError(
        'ADELINE_ERR_MQTT_PUBLISH',
        `detection message ${rec.messageId} was not published (${reason}) and spool.enabled is false, so it is lost`,
        { details: { reason } },
      );
    }
    rec.spooledAtMs = Date.now();
    try {
      await spool.append(rec);
    } catch (err) {
      addMetric('mqttDropped', 1, { reason: 'spool_error' });
      throw err;
    }
    addMetric('mqttSpooled', 1, { reason });
    trace.getActiveSpan()?.addEvent(SPAN_EVENTS.spooled, { reason });
    this.replayer?.kick();
  }
}

/** Spool reasons that are not publish failures (not counted in adeline_mqtt_messages_failed_total). */
const NOT_FAILURES = new Set(['behind_spool', 'shutdown', 'unconfirmed']);

/**
 * Sends live detection messages at least once, in message order (docs/mqtt.md "Delivery").
 * Each message passes the publish policy and is handed to mqtt.js once: a retry after a timeout
 * waits for the same hand-off instead of sending a second copy. It stays in the delivery window
 * until the broker confirms it: its PUBACK at QoS 1/2; at QoS 0 a checkpoint (an UNSUBSCRIBE
 * round trip every mqtt.qos.data_checkpoint_ms, which the broker answers only after reading every
 * PUBLISH before it). When the connection is lost, the unconfirmed messages go back to the spool,
 * oldest first and ahead of anything newer, and mqtt.js forgets its own copies so they are not
 * resent out of order on reconnect.
 */
import type { CallPolicy, SpoolRecord } from '../resilience/types.js';
import { addMetric } from '../telemetry/metrics.js';
import { DeliveryWindow, type Outgoing } from './delivery-window.js';
import type { MqttConnection } from './connection.js';
import { failureReason } from './publish-reason.js';
import { traceProperties } from './trace-carrier.js';

export interface LiveSenderOptions {
  connection: MqttConnection;
  policy: CallPolicy;
  qos: 0 | 1 | 2;
  /** mqtt.qos.data_checkpoint_ms. */
  checkpointMs: number;
  /** The topic of the checkpoint UNSUBSCRIBE (nobody subscribes to it). */
  checkpointTopic: string;
  /** Writes a record to the spool; the order of calls is the order in the spool. Rejects when it cannot. */
  spool: (rec: SpoolRecord, reason: string) => Promise<void>;
}

export type SendOutcome = 'sent' | 'spooled';

const noop = (): void => undefined;
/** A checkpoint not answered within this long (a broken broker, a stalled link) is sent again. */
const CHECKPOINT_STALE_MS = 5000;

export class LiveSender {
  private readonly window = new DeliveryWindow();
  private timer: NodeJS.Timeout | null = null;
  private checkpointInFlight = false;
  private checkpointSentAt = 0;
  /** Bumped on every connection loss: a checkpoint of an earlier connection confirms nothing. */
  private epoch = 0;

  constructor(private readonly o: LiveSenderOptions) {
    o.connection.lost.on(() => this.onLost());
  }

  start(): void {
    if (this.o.qos !== 0 || this.timer !== null) return;
    this.timer = setInterval(() => this.checkpoint(), this.o.checkpointMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** True when no older message is still queued in the policy (a new one may then go straight to the spool without overtaking it). */
  idle(): boolean {
    return !this.window.hasQueued();
  }

  /** Handed and not yet confirmed. */
  unconfirmed(): number {
    return this.window.unconfirmed();
  }

  /**
   * Resolves 'sent' once mqtt.js wrote it (QoS 0) or the broker acknowledged it (QoS 1/2), and
   * 'spooled' when it went to the spool instead; rejects only when it could not even be spooled.
   */
  async send(rec: SpoolRecord): Promise<SendOutcome> {
    const o = this.window.open(rec);
    const abandoned = new Promise<void>((resolve) => (o.abandon = resolve));
    const run = this.o.policy.execute(() => this.attempt(o));
    run.catch(noop); // when shutdown abandons the message, the policy's outcome no longer matters
    try {
      await Promise.race([run, abandoned]);
    } catch (err) {
      if (o.state === 'new') this.toSpool(o, failureReason(err));
      else if (o.state === 'handed' && this.o.qos > 0 && this.o.connection.isConnected()) {
        const reason = failureReason(err);
        // A timeout leaves it with mqtt.js (its PUBACK may still come); a refusal is spooled.
        if (reason !== 'timeout') this.toSpool(o, reason);
      }
    } finally {
      this.window.settle(o);
    }
    if (o.state === 'spooled') {
      await o.spooled;
      return 'spooled';
    }
    return 'sent';
  }

  /**
   * Shutdown: waits up to timeoutMs for the window to empty (checkpoints keep coming at QoS 0),
   * then spools what is left, oldest first, and resolves those callers as spooled.
   */
  async drain(timeoutMs: number, reason: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.window.size() > 0 && Date.now() < deadline) {
      this.checkpoint();
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const o of this.window.all()) {
      if (o.state === 'handed') addMetric('mqttPossibleDuplicates', 1, { reason: 'unconfirmed' });
      this.toSpool(o, reason);
      o.abandon?.();
    }
  }

  private attempt(o: Outgoing): Promise<void> {
    if (o.state === 'handed') return o.handed!;
    if (o.state === 'spooled') return o.spooled!.catch(noop);
    if (o.state === 'confirmed') return Promise.resolve();
    if (!this.o.connection.isConnected()) {
      this.toSpool(o, 'disconnected');
      return o.spooled!.catch(noop);
    }
    const { rec } = o;
    const opts = {
      qos: this.o.qos,
      userProperties: traceProperties(rec.traceparent, rec.tracestate),
    };
    const p = this.o.connection.publish(rec.topic, rec.payload, opts);
    this.window.hand(o, p);
    if (this.o.qos > 0) p.then(() => this.window.confirm(o), noop);
    return p;
  }

  private toSpool(o: Outgoing, reason: string): void {
    if (o.state === 'spooled' || o.state === 'confirmed') return;
    this.window.release(o, 'spooled');
    o.spooled = this.o.spool(o.rec, reason);
    o.spooled.catch(noop);
  }

  private checkpoint(): void {
    if (this.o.qos !== 0 || this.window.unconfirmed() === 0) return;
    // One checkpoint at a time; one unanswered for CHECKPOINT_STALE_MS no longer blocks the next.
    if (this.checkpointInFlight && Date.now() - this.checkpointSentAt < CHECKPOINT_STALE_MS) return;
    if (!this.o.connection.isConnected()) return;
    const mark = this.window.lastHandedSeq();
    const epoch = this.epoch;
    this.checkpointInFlight = true;
    this.checkpointSentAt = Date.now();
    this.o.connection.checkpoint(this.o.checkpointTopic).then(
      () => {
        if (epoch !== this.epoch) return;
        this.checkpointInFlight = false;
        this.window.confirmThrough(mark);
      },
      () => {
        if (epoch === this.epoch) this.checkpointInFlight = false;
      },
    );
  }

  /** Runs inside mqtt.js's close event, before any later message can be spooled. */
  private onLost(): void {
    this.epoch++;
    this.checkpointInFlight = false;
    const taken = this.window.handed();
    for (const o of taken) {
      this.toSpool(o, 'unconfirmed');
      o.abandon?.(); // its caller need not wait for a callback of the dead connection
    }
    if (taken.length > 0)
      addMetric('mqttPossibleDuplicates', taken.length, { reason: 'unconfirmed' });
    this.o.connection.forgetUnacked();
  }
}

/**
 * The detection messages between "built" and "confirmed by the broker", in message order: queued
 * in the publish policy (`new`), handed to mqtt.js and not yet confirmed (`handed`). A message
 * leaves the window confirmed (its PUBACK, or at QoS 0 a checkpoint sent after it) or spooled
 * (a connection loss or shutdown took it back). Nothing leaves it silently.
 */
import type { SpoolRecord } from '../resilience/types.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';

export type OutgoingState = 'new' | 'handed' | 'confirmed' | 'spooled';

export interface Outgoing {
  readonly rec: SpoolRecord;
  /** Order of entry into the window (message order). */
  readonly seq: number;
  state: OutgoingState;
  /** The mqtt.js publish, once handed: retries of the policy wait for this one instead of sending again. */
  handed?: Promise<void>;
  /** The spool write, once spooled (rejects when the message could not be spooled). */
  spooled?: Promise<void>;
  /** Resolves the caller early (shutdown took the message). */
  abandon?: () => void;
}

export class DeliveryWindow {
  private readonly entries = new Map<number, Outgoing>();
  private nextSeq = 1;
  private handedCount = 0;
  private queuedCount = 0;
  private newestHanded = 0;

  /** A new message enters the window (state `new`). */
  open(rec: SpoolRecord): Outgoing {
    const o: Outgoing = { rec, seq: this.nextSeq++, state: 'new' };
    this.entries.set(o.seq, o);
    this.queuedCount++;
    return o;
  }

  /** The message was handed to mqtt.js. */
  hand(o: Outgoing, publish: Promise<void>): void {
    if (o.state === 'new') this.queuedCount--;
    o.state = 'handed';
    o.handed = publish;
    if (o.seq > this.newestHanded) this.newestHanded = o.seq;
    this.handedCount++;
    this.gauge();
  }

  /** The broker confirmed it; counts it published once. */
  confirm(o: Outgoing): void {
    if (o.state !== 'handed') return;
    o.state = 'confirmed';
    this.handedCount--;
    this.entries.delete(o.seq);
    addMetric('mqttPublished', 1, { channel: 'detections' });
    this.gauge();
  }

  /** A checkpoint sent after entry `mark` came back: every handed message up to it is confirmed. */
  confirmThrough(mark: number): void {
    for (const o of [...this.entries.values()]) {
      if (o.seq > mark) break;
      this.confirm(o);
    }
  }

  /** The message goes to the spool (or its caller leaves): it is no longer the window's. */
  release(o: Outgoing, state: 'spooled'): void {
    if (o.state === 'handed') this.handedCount--;
    if (o.state === 'new') this.queuedCount--;
    o.state = state;
    this.entries.delete(o.seq);
    this.gauge();
  }

  /** Removes an entry that settled (confirmed or spooled) from the map, if still there. */
  settle(o: Outgoing): void {
    if (o.state === 'confirmed' || o.state === 'spooled') this.entries.delete(o.seq);
  }

  /** The handed, unconfirmed messages, oldest first (a connection loss takes them back). */
  handed(): Outgoing[] {
    return [...this.entries.values()].filter((o) => o.state === 'handed');
  }

  /** Every message still in the window, oldest first. */
  all(): Outgoing[] {
    return [...this.entries.values()];
  }

  /** The seq of the newest message handed so far (0 if none): a checkpoint's mark. */
  lastHandedSeq(): number {
    return this.newestHanded;
  }

  /** Messages queued in the policy, not yet handed or spooled. */
  hasQueued(): boolean {
    return this.queuedCount > 0;
  }

  unconfirmed(): number {
    return this.handedCount;
  }

  size(): number {
    return this.entries.size;
  }

  private gauge(): void {
    setGauge('mqttUnconfirmed', this.handedCount);
  }
}

/**
 * An MQTT subscriber for the resilience tests: collects the detection messages the service
 * publishes (message_id, source, frame, trace id, arrival time) and answers the questions the
 * acceptance asks about them: which ids are missing, are they in order per source.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from './wait.js';

export const DETECTIONS_TOPIC = 'inference/data/detections';

export interface Received {
  messageId: number;
  sourceId: number;
  frameId: number;
  traceId: string | null;
  /** Date.now() when the subscriber got it. */
  atMs: number;
  /** The MQTT 5 user property `replayed` (a spool replay); MQTT 5 collectors only. */
  replayed: boolean;
  /** The broker set DUP: it redelivers a message of the persistent session. */
  dup: boolean;
  /** The message's top-level `timestamp` (when the service built it), epoch ms; NaN if absent. */
  builtAtMs: number;
}

export interface CollectorOptions {
  topic?: string;
  /** A fixed client id with clean: false keeps the subscription across a broker restart (with broker persistence). */
  clientId?: string;
  clean?: boolean;
  reconnectPeriodMs?: number;
  /** 4 (default) or 5 (to see user properties such as `replayed`). */
  protocolVersion?: 4 | 5;
}

export class DetectionCollector {
  readonly messages: Received[] = [];
  /** Payloads that were not detection JSON (should stay empty). */
  readonly malformed: string[] = [];

  private constructor(readonly client: MqttClient) {}

  /** Connects (MQTT 3.1.1) and subscribes at QoS 1; resolves once the subscription is granted. */
  static async start(url: string, o: CollectorOptions = {}): Promise<DetectionCollector> {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: o.protocolVersion ?? 4,
      clientId:
        o.clientId ?? `resilience-test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: o.clean ?? true,
      reconnectPeriod: o.reconnectPeriodMs ?? 100,
      // MQTT 5 ends a session at disconnect unless it has an expiry interval.
      ...(o.protocolVersion === 5 && o.clean === false
        ? { properties: { sessionExpiryInterval: 3600 } }
        : {}),
      connectTimeout: 5000,
    });
    const c = new DetectionCollector(client);
    client.on('error', () => {
      /* reconnects by itself; a broker outage is the scenario */
    });
    client.on('message', (_topic, payload, packet) =>
      c.take(payload, packet.properties?.userProperties?.replayed === 'true', packet.dup),
    );
    const granted = await client.subscribeAsync(o.topic ?? DETECTIONS_TOPIC, { qos: 1 });
    if (granted.some((g) => g.qos > 2))
      throw new Error(`subscription refused: ${JSON.stringify(granted)}`);
    return c;
  }

  private take(payload: Buffer, replayed = false, dup = false): void {
    const text = payload.toString('utf8');
    try {
      const m = JSON.parse(text) as {
        message_id?: unknown;
        frame?: { source_id?: unknown; frame_id?: unknown };
        trace_id?: unknown;
        timestamp?: unknown;
      };
      if (
        typeof m.message_id !== 'number' ||
        typeof m.frame?.source_id !== 'number' ||
        typeof m.frame.frame_id !== 'number'
      ) {
        this.malformed.push(text.slice(0, 200));
        return;
      }
      this.messages.push({
        messageId: m.message_id,
        sourceId: m.frame.source_id,
        frameId: m.frame.frame_id,
        traceId: typeof m.trace_id === 'string' ? m.trace_id : null,
        atMs: Date.now(),
        replayed,
        dup,
        builtAtMs: typeof m.timestamp === 'string' ? Date.parse(m.timestamp) : NaN,
      });
    } catch {
      this.malformed.push(text.slice(0, 200));
    }
  }

  /** Distinct message_ids received so far. */
  ids(): Set<number> {
    return new Set(this.messages.map((m) => m.messageId));
  }

  maxId(): number {
    return this.messages.reduce((a, m) => Math.max(a, m.messageId), 0);
  }

  /** Distinct trace ids received so far. */
  traceIds(): Set<string> {
    return new Set(this.messages.flatMap((m) => (m.traceId ? [m.traceId] : [])));
  }

  /** The ids in [from, to] that have not arrived. */
  missing(from: number, to: number): number[] {
    const got = this.ids();
    const out: number[] = [];
    for (let i = from; i <= to; i++) if (!got.has(i)) out.push(i);
    return out;
  }

  /**
   * Order violations per source: with duplicates removed (first arrival kept, as a consumer that
   * de-duplicates by message_id sees them), message_id and frame_id must rise within a source.
   * Returns a description of each violation (empty when in order).
   */
  orderViolations(filter: (m: Received) => boolean = () => true): string[] {
    const seen = new Set<number>();
    const last = new Map<number, Received>();
    const out: string[] = [];
    for (const m of this.messages) {
      if (!filter(m) || seen.has(m.messageId)) continue;
      seen.add(m.messageId);
      const prev = last.get(m.sourceId);
      if (prev && (m.messageId <= prev.messageId || m.frameId <= prev.frameId)) {
        out.push(
          `source ${m.sourceId}: message ${m.messageId} (frame ${m.frameId}) arrived after ${prev.messageId} (frame ${prev.frameId})`,
        );
      }
      last.set(m.sourceId, m);
    }
    return out;
  }

  /** Waits until `pred` holds for the messages received. */
  waitUntil(
    pred: (c: DetectionCollector) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<true> {
    return waitFor(() => pred(this), { timeoutMs, intervalMs: 50, what });
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}

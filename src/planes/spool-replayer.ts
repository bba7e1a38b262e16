/**
 * Drains the disk spool in order once publishing works again: oldest records first, with their
 * original payload (so their original message_id) and traceparent, through the publish policy,
 * in batches of up to spool.replay.max_in_flight publishes awaiting their PUBACK at once (capped
 * at spool.replay.rate_per_s). The spool advances only over the leading records of a batch that
 * were acknowledged; the rest are sent again by the next run (possible duplicates, counted). Each
 * replay runs in an `adeline.spool.replay` span linked to the frame's trace. A failure stops the
 * run; the next tick (or kick) tries again. adeline_spool_replay_lag_seconds shows how far behind
 * the replay is.
 */
import type { Link } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import type { CallPolicy, Spool, SpoolRecord } from '../resilience/types.js';
import type { MqttConnection } from './connection.js';
import { describeError } from '../domain/errors.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { getLogger, type Logger, logEvent } from '../telemetry/logger.js';
import { ATTRS, SPANS } from '../telemetry/schema.js';
import { recordSpanError, startSpan, withSpan } from '../telemetry/tracing.js';
import { LogBudget } from './log-budget.js';
import { contextFromTraceparent, traceProperties } from './trace-carrier.js';
import { failureReason } from './publish-reason.js';

export interface ReplayerOptions {
  spool: Spool;
  /** Whether a replay may be tried now (connected, breaker not open). */
  canPublish: () => boolean;
  /** Publishes one record (through the policy); resolves on its PUBACK, rejects on failure. */
  publish: (rec: SpoolRecord) => Promise<void>;
  intervalMs: number;
  /** spool.replay.max_in_flight. */
  maxInFlight: number;
  /** spool.replay.rate_per_s (0: no cap). */
  ratePerS: number;
}

/** The spool.replay config section. */
export interface ReplayOptions {
  live_first: boolean;
  max_in_flight: number;
  rate_per_s: number;
}

/** MQTT 5 user property on replayed messages: consumers can tell late data from live data. */
export const REPLAYED = { replayed: 'true' } as const;

/**
 * Publishes one replay through the policy, at QoS 1 at least (the spool advances only on a
 * PUBACK), with the record's own traceparent. A retry after a timeout waits for the same publish.
 */
export function replayPublisher(
  connection: MqttConnection,
  policy: CallPolicy,
  qos: 0 | 1 | 2,
): (rec: SpoolRecord) => Promise<void> {
  const q = Math.max(1, qos) as 1 | 2;
  return (rec) => {
    const userProperties = { ...traceProperties(rec.traceparent, rec.tracestate), ...REPLAYED };
    let handed: Promise<void> | undefined;
    return policy.execute(
      () => (handed ??= connection.publish(rec.topic, rec.payload, { qos: q, userProperties })),
    );
  };
}

/** Looked up per use, so a logger configured after import (configureLogger) is used. */
const log = (): Logger => getLogger('data-plane');

export class SpoolReplayer {
  private timer: NodeJS.Timeout | null = null;
  private run: Promise<void> | null = null;
  private stopped = false;
  private lagRead = false;
  private readonly budget = new LogBudget(5, 30_000);

  constructor(private readonly o: ReplayerOptions) {}

  start(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.o.intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Starts a run unless one is going, the spool is empty or publishing is not possible. */
  kick(): void {
    if (this.stopped || this.run !== null) return;
    if (this.o.spool.size() === 0) return setGauge('spoolReplayLag', 0);
    if (!this.o.canPublish()) return this.updateLag();
    this.run = this.drain().finally(() => {
      this.run = null;
    });
  }

  busy(): boolean {
    return this.run !== null;
  }

  /** Idempotent: no new runs; waits for the batch being replayed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.run;
  }

  private async drain(): Promise<void> {
    let replayed = 0;
    logEvent(log(), 'spool_replay_started', `replaying ${this.o.spool.size()} spooled messages`, {
      records: this.o.spool.size(),
    });
    const started = Date.now();
    try {
      while (!this.stopped && this.o.canPublish()) {
        const batch = await this.o.spool.peekBatch(this.o.maxInFlight);
        if (batch.length === 0) break;
        setGauge('spoolReplayLag', lagOf(batch[0]!));
        const outcomes = await Promise.allSettled(batch.map((rec) => this.replayOne(rec)));
        const failed = outcomes.findIndex((r) => r.status === 'rejected');
        const acked = failed === -1 ? batch.length : failed;
        await this.o.spool.ackBatch(acked);
        replayed += acked;
        addMetric('spoolReplayed', acked);
        addMetric('mqttPublished', acked, { channel: 'replay' });
        if (failed !== -1) {
          // Sent but not acknowledged (the broker may have them), or acknowledged after one that
          // failed: the next run sends them again.
          addMetric('mqttPossibleDuplicates', batch.length - acked, { reason: 'replay_cut' });
          throw (outcomes[failed] as PromiseRejectedResult).reason;
        }
        await this.pace(replayed, started);
      }
    } catch (err) {
      addMetric('mqttFailed', 1, { channel: 'replay', reason: failureReason(err) });
      if (this.budget.take() !== null) {
        logEvent(
          log(),
          'publish_failed',
          `spool replay paused after ${replayed} messages: ${describeError(err)}; retrying later`,
          { replayed, remaining: this.o.spool.size() },
        );
      }
      return;
    }
    if (this.o.spool.size() === 0) {
      setGauge('spoolReplayLag', 0);
      logEvent(log(), 'spool_replay_finished', `spool drained (${replayed} messages replayed)`, {
        replayed,
        duration_ms: Date.now() - started,
      });
    }
  }

  /** Keeps the replay at or under rate_per_s (a cap, not a target). */
  private async pace(replayed: number, started: number): Promise<void> {
    if (this.o.ratePerS <= 0) return;
    const ahead = (replayed * 1000) / this.o.ratePerS - (Date.now() - started);
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
  }

  /** While no run goes (broker away): the age of the head record. */
  private updateLag(): void {
    if (this.lagRead) return;
    this.lagRead = true;
    this.o.spool
      .peek()
      .then((rec) => setGauge('spoolReplayLag', rec === null ? 0 : lagOf(rec)))
      .catch(() => undefined)
      .finally(() => (this.lagRead = false));
  }

  private async replayOne(rec: SpoolRecord): Promise<void> {
    const origin = contextFromTraceparent(rec.traceparent, rec.tracestate);
    const sc = origin === undefined ? undefined : trace.getSpanContext(origin);
    const links: Link[] = sc === undefined ? [] : [{ context: sc }];
    const span = startSpan(SPANS.spoolReplay.name, {
      root: true,
      links,
      attributes: {
        [ATTRS.messageId.name]: rec.messageId,
        [ATTRS.sourceId.name]: rec.sourceId,
        [ATTRS.messagingSystem.name]: 'mqtt',
        [ATTRS.messagingDestination.name]: rec.topic,
      },
    });
    try {
      await withSpan(span, () => this.o.publish(rec));
    } catch (err) {
      recordSpanError(span, err);
      throw err;
    } finally {
      span.end();
    }
  }
}

/** Seconds since the record was spooled. */
function lagOf(rec: SpoolRecord): number {
  return Math.max(0, (Date.now() - rec.spooledAtMs) / 1000);
}

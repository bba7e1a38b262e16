/**
 * Drains the disk spool in order once publishing works again: oldest record first, with its
 * original payload (so its original message_id) and traceparent, one at a time through the
 * publish policy. Each replay runs in an `adeline.spool.replay` span linked to the frame's trace.
 * A failure stops the run; the next tick (or kick) tries again.
 */
import type { Link } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import type { Spool, SpoolRecord } from '../resilience/types.js';
import { describeError } from '../domain/errors.js';
import { addMetric } from '../telemetry/metrics.js';
import { getLogger, type Logger, logEvent } from '../telemetry/logger.js';
import { ATTRS, SPANS } from '../telemetry/schema.js';
import { recordSpanError, startSpan, withSpan } from '../telemetry/tracing.js';
import { LogBudget } from './log-budget.js';
import { contextFromTraceparent } from './trace-carrier.js';
import { failureReason } from './publish-reason.js';

export interface ReplayerOptions {
  spool: Spool;
  /** Whether a replay may be tried now (connected, breaker not open). */
  canPublish: () => boolean;
  /** Publishes one record (through the policy); rejects on failure. */
  publish: (rec: SpoolRecord) => Promise<void>;
  intervalMs: number;
}

/** Looked up per use, so a logger configured after import (configureLogger) is used. */
const log = (): Logger => getLogger('data-plane');

export class SpoolReplayer {
  private timer: NodeJS.Timeout | null = null;
  private run: Promise<void> | null = null;
  private stopped = false;
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
    if (this.stopped || this.run !== null || this.o.spool.size() === 0 || !this.o.canPublish())
      return;
    this.run = this.drain().finally(() => {
      this.run = null;
    });
  }

  busy(): boolean {
    return this.run !== null;
  }

  /** Idempotent: no new runs; waits for the record being replayed. */
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
    try {
      while (!this.stopped && this.o.canPublish()) {
        const rec = await this.o.spool.peek();
        if (rec === null) break;
        await this.replayOne(rec);
        await this.o.spool.ack();
        replayed += 1;
        addMetric('spoolReplayed', 1);
        addMetric('mqttPublished', 1, { channel: 'replay' });
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
    if (this.o.spool.size() === 0)
      logEvent(log(), 'spool_replay_finished', `spool drained (${replayed} messages replayed)`, {
        replayed,
      });
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

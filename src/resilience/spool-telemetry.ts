/**
 * What the disk spool reports: its gauges, drop counters and log lines. Nothing here ever
 * throws into the spool (STYLE.md 13).
 */
import { describeError } from '../domain/errors.js';
import { logEvent, type Logger } from '../telemetry/logger.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import type { LogEvent } from '../telemetry/schema.js';
import type { BadRegion } from './spool-format.js';

export class SpoolTelemetry {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly log: () => Logger,
  ) {}

  opened(records: number, bytes: number, segments: number): void {
    const msg = `spool ${this.dir} opened with ${records} records`;
    this.line('spool_opened', msg, { dir: this.dir, records, bytes, segments });
  }

  droppedOldest(dropped: number, droppedTotal: number): void {
    safe(() => addMetric('spoolDropped', dropped, { reason: 'full' }));
    this.line('spool_dropped_oldest', `spool full: dropped the ${dropped} oldest records`, {
      dir: this.dir,
      dropped,
      dropped_total: droppedTotal,
      max_bytes: this.maxBytes,
    });
  }

  corrupt(path: string, region: BadRegion): void {
    safe(() => addMetric('spoolDropped', 1, { reason: 'corrupt' }));
    const msg = `skipped ${region.length} ${region.kind} bytes in ${path}`;
    const { offset, length: bytes, kind } = region;
    this.line('spool_corrupt_record', msg, { path, offset, bytes, kind });
  }

  ioFailed(err: unknown): void {
    const error = describeError(err);
    this.line('spool_io_failed', error, { dir: this.dir, error });
  }

  gauges(messages: number, bytes: number): void {
    safe(() => {
      setGauge('spoolMessages', messages);
      setGauge('spoolBytes', bytes);
      setGauge('spoolCapacityRatio', Math.min(1, bytes / this.maxBytes));
    });
  }

  private line(event: LogEvent, msg: string, fields: Record<string, unknown>): void {
    safe(() => logEvent(this.log(), event, msg, fields));
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // telemetry never breaks the spool
  }
}

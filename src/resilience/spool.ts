/**
 * DiskSpool: a bounded, append-only, crash-safe on-disk FIFO of MQTT messages (config `spool`).
 * Records are framed (spool-format.ts) into segment files; each append is one write() at the
 * end of the last segment, so a crash can at worst cut the record being written, never an
 * earlier one. The read position is a cursor file replaced atomically; fully acknowledged
 * segments are deleted. Delivery is at-least-once: after a crash a few acknowledged records
 * may be replayed again (de-duplicate by message_id); none is lost.
 */
import type { AdelineConfig } from '../config/schema.js';
import { AdelineError } from '../domain/errors.js';
import { getLogger, type Logger } from '../telemetry/logger.js';
import { ensureDir, validateSpoolConfig, writeCursor } from './spool-files.js';
import { encodeRecord, validateRecord, type BadRegion } from './spool-format.js';
import { SpoolSegments } from './spool-segments.js';
import { SpoolTelemetry } from './spool-telemetry.js';
import type { Spool, SpoolRecord, SpoolStatus } from './types.js';

export type SpoolConfig = AdelineConfig['spool'];

export interface SpoolTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface DiskSpoolOptions {
  /** Timers of `fsync: interval` (tests inject fakes). */
  timers?: SpoolTimers;
  logger?: () => Logger;
}

const realTimers: SpoolTimers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export class DiskSpool implements Spool {
  readonly dir: string;
  readonly maxBytes: number;
  /** Segment size used: spool.segment_bytes, at most a quarter of max_bytes so drops stay small. */
  readonly segmentBytes: number;
  private readonly cfg: SpoolConfig;
  private readonly timers: SpoolTimers;
  private readonly report: SpoolTelemetry;
  private readonly files: SpoolSegments;
  private state: 'new' | 'open' | 'closed' = 'new';
  private chain: Promise<unknown> = Promise.resolve();
  private peeked: { seq: number; index: number } | null = null;
  private cursorDirty = false;
  private timer: unknown;
  private isFull = false;
  private droppedFull = 0;
  private droppedCorrupt = 0;

  constructor(cfg: SpoolConfig, opts: DiskSpoolOptions = {}) {
    validateSpoolConfig(cfg);
    this.cfg = cfg;
    this.dir = cfg.dir;
    this.maxBytes = cfg.max_bytes;
    this.segmentBytes = Math.max(1024, Math.min(cfg.segment_bytes, Math.floor(cfg.max_bytes / 4)));
    this.timers = opts.timers ?? realTimers;
    this.report = new SpoolTelemetry(
      this.dir,
      this.maxBytes,
      opts.logger ?? (() => getLogger('spool')),
    );
    this.files = new SpoolSegments(this.dir, this.segmentBytes, cfg.fsync);
  }

  /** fsync calls made on segment data (for tests and debugging). */
  get fsyncCount(): number {
    return this.files.fsyncCount;
  }

  async open(): Promise<void> {
    return this.exclusive(async () => {
      if (this.state === 'open') return;
      if (this.state === 'closed')
        throw new AdelineError(
          'ADELINE_ERR_LIFECYCLE',
          `spool ${this.dir} was closed; create a new DiskSpool`,
        );
      await ensureDir(this.dir);
      await this.files.load((path, r) => this.corrupt(path, r));
      this.state = 'open';
      if (await this.files.reclaim()) await this.persistCursor();
      if (this.cfg.fsync === 'interval') {
        this.timer = this.timers.setInterval(() => this.tick(), this.cfg.fsync_interval_ms);
      }
      this.gauges();
      this.report.opened(this.files.pending, this.files.total, this.files.count);
    });
  }

  async append(rec: SpoolRecord): Promise<void> {
    validateRecord(rec);
    const frame = encodeRecord(rec);
    if (frame.length > this.maxBytes) {
      throw new RangeError(
        `spool record of ${frame.length} bytes exceeds spool.max_bytes (${this.maxBytes})`,
      );
    }
    return this.exclusive(async () => {
      this.ensureOpen();
      await this.makeRoom(frame.length);
      await this.files.append(frame);
      if (this.cfg.fsync === 'always') await this.files.sync();
      this.gauges();
    });
  }

  async peek(): Promise<SpoolRecord | null> {
    return this.exclusive(async () => {
      this.ensureOpen();
      for (;;) {
        if (await this.files.reclaim()) await this.persistCursor();
        const head = await this.files.readHead();
        if (!head) return null;
        if (head.record) {
          this.peeked = { seq: head.seq, index: head.index };
          return head.record;
        }
        const at = this.files.headLocation()!; // damaged since open(): skip it
        this.corrupt(at.path, { offset: at.offset, length: at.length, kind: 'garbage' });
        this.advance();
      }
    });
  }

  async ack(): Promise<void> {
    return this.exclusive(async () => {
      this.ensureOpen();
      const p = this.peeked;
      this.peeked = null;
      // Nothing peeked, or the peeked record was dropped (spool full) meanwhile: nothing to remove.
      if (!p || !this.files.isHead(p.seq, p.index)) return;
      this.advance();
      await this.files.reclaim();
      await this.persistCursor();
      this.gauges();
    });
  }

  size(): number {
    return this.files.pending;
  }

  bytes(): number {
    return this.files.total;
  }

  status(): SpoolStatus {
    return {
      messages: this.files.pending,
      bytes: this.files.total,
      maxBytes: this.maxBytes,
      usageRatio: Math.min(1, this.files.total / this.maxBytes),
      full: this.isFull,
      droppedFull: this.droppedFull,
      droppedCorrupt: this.droppedCorrupt,
    };
  }

  async close(): Promise<void> {
    return this.exclusive(async () => {
      const wasOpen = this.state === 'open';
      this.state = 'closed';
      if (!wasOpen) return;
      if (this.timer !== undefined) this.timers.clearInterval(this.timer);
      try {
        await this.flush();
      } finally {
        await this.files.closeHandles();
      }
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private ensureOpen(): void {
    if (this.state !== 'open')
      throw new AdelineError(
        'ADELINE_ERR_LIFECYCLE',
        `spool ${this.dir} is not open; call open() first`,
      );
  }

  private advance(): void {
    this.files.advance();
    if (this.files.pending === 0) this.isFull = false;
  }

  /** Drops the oldest segments until `len` more bytes fit under max_bytes. */
  private async makeRoom(len: number): Promise<void> {
    let dropped = 0;
    while (this.files.total + len > this.maxBytes && this.files.count > 0) {
      dropped += await this.files.removeOldest();
    }
    if (dropped === 0) return;
    this.droppedFull += dropped;
    this.isFull = true;
    this.report.droppedOldest(dropped, this.droppedFull);
    await this.persistCursor();
  }

  private async persistCursor(): Promise<void> {
    if (this.cfg.fsync === 'interval') {
      this.cursorDirty = true;
      return;
    }
    await writeCursor(this.dir, this.files.cursor(), this.cfg.fsync === 'always');
  }

  private async flush(): Promise<void> {
    if (this.files.dirty && this.cfg.fsync !== 'never') await this.files.sync();
    if (this.cursorDirty) {
      this.cursorDirty = false;
      await writeCursor(this.dir, this.files.cursor(), this.cfg.fsync !== 'never');
    }
  }

  private tick(): void {
    if (!this.files.dirty && !this.cursorDirty) return;
    this.exclusive(async () => {
      if (this.state === 'open') await this.flush();
    }).catch((err: unknown) => this.report.ioFailed(err));
  }

  private corrupt(path: string, region: BadRegion): void {
    this.droppedCorrupt++;
    this.report.corrupt(path, region);
  }

  private gauges(): void {
    this.report.gauges(this.files.pending, this.files.total);
  }
}

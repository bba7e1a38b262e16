/**
 * DiskSpool: a bounded, append-only, crash-safe on-disk FIFO of MQTT messages (config `spool`).
 * Records are framed (spool-format.ts) into segment files; each append is one write() at the
 * end of the last segment, so a crash can at worst cut the record being written, never an
 * earlier one. The read position is a cursor file replaced atomically; fully acknowledged
 * segments are deleted. Delivery is at-least-once: after a crash a few acknowledged records
 * may be replayed again (de-duplicate by message_id); none is lost.
 */
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdelineConfig } from '../config/schema.js';
import { describeError } from '../domain/errors.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { ensureDir, io, ioError, segmentName, syncDir, writeCursor } from './spool-files.js';
import { decodeRecord, encodeRecord, frameLengthAt, validateRecord, type BadRegion } from './spool-format.js';
import { loadSpool, type Segment } from './spool-load.js';
import type { Spool, SpoolRecord, SpoolStatus } from './types.js';

export type SpoolConfig = AdelineConfig['spool'];

export interface SpoolTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface DiskSpoolOptions {
  /** Timers for fsync: interval (tests inject fakes). */
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
  private readonly log: () => Logger;
  private state: 'new' | 'open' | 'closed' = 'new';
  private chain: Promise<unknown> = Promise.resolve();
  private segments: Segment[] = [];
  private head = 0;
  private count = 0;
  private total = 0;
  private nextSeq = 0;
  private writer: { seq: number; fh: FileHandle } | undefined;
  private reader: { seq: number; fh: FileHandle } | undefined;
  private peeked: { seq: number; index: number } | null = null;
  private dataDirty = false;
  private cursorDirty = false;
  private timer: unknown;
  private isFull = false;
  private droppedFull = 0;
  private droppedCorrupt = 0;
  /** fsync calls made on segment data (observable for tests and debugging). */
  fsyncCount = 0;

  constructor(cfg: SpoolConfig, opts: DiskSpoolOptions = {}) {
    if (typeof cfg?.dir !== 'string' || cfg.dir === '') throw new TypeError('spool.dir must be a non-empty string');
    for (const k of ['max_bytes', 'segment_bytes', 'fsync_interval_ms'] as const) {
      if (!Number.isSafeInteger(cfg[k]) || cfg[k] <= 0) throw new RangeError(`spool.${k} must be a positive integer, got ${cfg[k]}`);
    }
    if (!['always', 'interval', 'never'].includes(cfg.fsync)) {
      throw new RangeError(`spool.fsync must be always, interval or never, got ${String(cfg.fsync)}`);
    }
    this.cfg = cfg;
    this.dir = cfg.dir;
    this.maxBytes = cfg.max_bytes;
    this.segmentBytes = Math.max(1024, Math.min(cfg.segment_bytes, Math.floor(cfg.max_bytes / 4)));
    this.timers = opts.timers ?? realTimers;
    this.log = opts.logger ?? (() => getLogger('spool'));
  }

  async open(): Promise<void> {
    return this.exclusive(async () => {
      if (this.state === 'open') return;
      if (this.state === 'closed') throw new Error(`spool ${this.dir} was closed; create a new DiskSpool`);
      await ensureDir(this.dir);
      const loaded = await loadSpool(this.dir, (path, r) => this.reportCorrupt(path, r));
      this.segments = loaded.segments;
      this.head = loaded.head;
      this.nextSeq = loaded.nextSeq;
      this.total = this.segments.reduce((n, s) => n + s.bytes, 0);
      this.count = this.segments.reduce((n, s) => n + s.offsets.length, 0) - this.head;
      this.state = 'open';
      await this.reclaim();
      if (this.cfg.fsync === 'interval') {
        this.timer = this.timers.setInterval(() => this.tick(), this.cfg.fsync_interval_ms);
      }
      this.gauges();
      logEvent(this.log(), 'spool_opened', `spool ${this.dir} opened with ${this.count} records`, {
        dir: this.dir, records: this.count, bytes: this.total, segments: this.segments.length,
      });
    });
  }

  async append(rec: SpoolRecord): Promise<void> {
    validateRecord(rec);
    const frame = encodeRecord(rec);
    if (frame.length > this.maxBytes) {
      throw new RangeError(`spool record of ${frame.length} bytes exceeds spool.max_bytes (${this.maxBytes})`);
    }
    return this.exclusive(async () => {
      this.ensureOpen();
      await this.makeRoom(frame.length);
      const seg = await this.writableSegment(frame.length);
      const fh = this.writer!.fh;
      const offset = seg.bytes;
      try {
        const { bytesWritten } = await fh.write(frame, 0, frame.length, null);
        if (bytesWritten !== frame.length) throw new Error(`short write (${bytesWritten} of ${frame.length} bytes)`);
      } catch (err) {
        await fh.truncate(offset).catch(() => {});
        throw ioError('write', seg.path, err);
      }
      seg.offsets.push(offset);
      seg.lengths.push(frame.length);
      seg.bytes += frame.length;
      this.total += frame.length;
      this.count++;
      if (this.cfg.fsync === 'always') await this.syncData();
      else if (this.cfg.fsync === 'interval') this.dataDirty = true;
      this.gauges();
    });
  }

  async peek(): Promise<SpoolRecord | null> {
    return this.exclusive(async () => {
      this.ensureOpen();
      for (;;) {
        await this.reclaim();
        const seg = this.segments[0];
        if (!seg || this.head >= seg.offsets.length) return null;
        const rec = await this.readRecord(seg, this.head);
        if (rec) {
          this.peeked = { seq: seg.seq, index: this.head };
          return rec;
        }
        const region = { offset: seg.offsets[this.head]!, length: seg.lengths[this.head]!, kind: 'garbage' } as const;
        this.reportCorrupt(seg.path, region);
        this.advance();
      }
    });
  }

  async ack(): Promise<void> {
    return this.exclusive(async () => {
      this.ensureOpen();
      const p = this.peeked;
      this.peeked = null;
      const seg = this.segments[0];
      // Nothing peeked, or the peeked record was dropped (spool full) meanwhile: nothing to remove.
      if (!p || !seg || seg.seq !== p.seq || this.head !== p.index) return;
      this.advance();
      await this.reclaim();
      await this.persistCursor();
      this.gauges();
    });
  }

  size(): number {
    return this.count;
  }

  bytes(): number {
    return this.total;
  }

  status(): SpoolStatus {
    return {
      messages: this.count,
      bytes: this.total,
      maxBytes: this.maxBytes,
      usageRatio: Math.min(1, this.total / this.maxBytes),
      full: this.isFull,
      droppedFull: this.droppedFull,
      droppedCorrupt: this.droppedCorrupt,
    };
  }

  async close(): Promise<void> {
    return this.exclusive(async () => {
      if (this.state !== 'open') {
        this.state = 'closed';
        return;
      }
      this.state = 'closed';
      if (this.timer !== undefined) this.timers.clearInterval(this.timer);
      try {
        await this.flush();
      } finally {
        await this.writer?.fh.close().catch(() => {});
        await this.reader?.fh.close().catch(() => {});
        this.writer = this.reader = undefined;
      }
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private ensureOpen(): void {
    if (this.state !== 'open') throw new Error(`spool ${this.dir} is not open; call open() first`);
  }

  private advance(): void {
    this.head++;
    this.count--;
    if (this.count === 0) this.isFull = false;
  }

  /** Drops the oldest segments until `len` more bytes fit under max_bytes. */
  private async makeRoom(len: number): Promise<void> {
    let dropped = 0;
    while (this.total + len > this.maxBytes && this.segments.length > 0) {
      const seg = this.segments[0]!;
      const lost = seg.offsets.length - this.head;
      await this.removeOldest();
      this.count -= lost;
      dropped += lost;
    }
    if (dropped === 0) return;
    this.droppedFull += dropped;
    this.isFull = true;
    this.telemetry(() => addMetric('spoolDropped', dropped, { reason: 'full' }));
    logEvent(this.log(), 'spool_dropped_oldest', `spool full: dropped the ${dropped} oldest records`, {
      dir: this.dir, dropped, dropped_total: this.droppedFull, max_bytes: this.maxBytes,
    });
    await this.persistCursor();
  }

  /** The last segment if `len` fits (or it is empty), else a new one; opens its write handle. */
  private async writableSegment(len: number): Promise<Segment> {
    let seg = this.segments.at(-1);
    if (!seg || (seg.bytes > 0 && seg.bytes + len > this.segmentBytes)) {
      const seq = this.nextSeq++;
      seg = { seq, path: join(this.dir, segmentName(seq)), bytes: 0, offsets: [], lengths: [] };
      await this.openWriter(seg);
      this.segments.push(seg);
      if (this.cfg.fsync === 'always') await syncDir(this.dir);
    } else if (this.writer?.seq !== seg.seq) {
      await this.openWriter(seg);
    }
    return seg;
  }

  private async openWriter(seg: Segment): Promise<void> {
    if (this.writer) {
      if (this.dataDirty) await this.syncData();
      await this.writer.fh.close().catch(() => {});
      this.writer = undefined;
    }
    this.writer = { seq: seg.seq, fh: await io('open', seg.path, () => open(seg.path, 'a')) };
  }

  private async readRecord(seg: Segment, index: number): Promise<SpoolRecord | null> {
    if (this.reader?.seq !== seg.seq) {
      await this.reader?.fh.close().catch(() => {});
      this.reader = { seq: seg.seq, fh: await io('open', seg.path, () => open(seg.path, 'r')) };
    }
    const len = seg.lengths[index]!;
    const buf = Buffer.allocUnsafe(len);
    const fh = this.reader.fh;
    const { bytesRead } = await io('read', seg.path, () => fh.read(buf, 0, len, seg.offsets[index]!));
    if (bytesRead !== len || frameLengthAt(buf, 0) !== len) return null;
    return decodeRecord(buf);
  }

  /** Deletes leading segments whose records are all acknowledged. */
  private async reclaim(): Promise<void> {
    let removed = false;
    while (this.segments.length > 0 && this.head >= this.segments[0]!.offsets.length) {
      await this.removeOldest();
      removed = true;
    }
    if (removed) await this.persistCursor();
  }

  private async removeOldest(): Promise<void> {
    const seg = this.segments.shift()!;
    this.head = 0;
    this.total -= seg.bytes;
    for (const h of ['reader', 'writer'] as const) {
      const handle = this[h];
      if (handle?.seq !== seg.seq) continue;
      this[h] = undefined;
      await handle.fh.close().catch(() => {});
    }
    if (this.writer === undefined) this.dataDirty = false;
    await io('delete', seg.path, () => unlink(seg.path)).catch((err: unknown) => {
      if ((err as { details?: { errno?: string } }).details?.errno !== 'ENOENT') throw err;
    });
  }

  private async persistCursor(): Promise<void> {
    if (this.cfg.fsync === 'interval') {
      this.cursorDirty = true;
      return;
    }
    await writeCursor(this.dir, this.cursor(), this.cfg.fsync === 'always');
  }

  private cursor(): { segment: number; offset: number } {
    const seg = this.segments[0];
    if (!seg) return { segment: this.nextSeq, offset: 0 };
    return { segment: seg.seq, offset: seg.offsets[this.head] ?? seg.bytes };
  }

  private async syncData(): Promise<void> {
    const w = this.writer;
    if (!w) return;
    const path = join(this.dir, segmentName(w.seq));
    await io('fsync', path, () => w.fh.datasync());
    this.fsyncCount++;
    this.dataDirty = false;
  }

  private async flush(): Promise<void> {
    if (this.dataDirty) await this.syncData();
    if (this.cursorDirty) {
      this.cursorDirty = false;
      await writeCursor(this.dir, this.cursor(), this.cfg.fsync !== 'never');
    }
  }

  private tick(): void {
    if (!this.dataDirty && !this.cursorDirty) return;
    this.exclusive(async () => {
      if (this.state === 'open') await this.flush();
    }).catch((err: unknown) => {
      logEvent(this.log(), 'spool_io_failed', describeError(err), { dir: this.dir, error: describeError(err) });
    });
  }

  private reportCorrupt(path: string, region: BadRegion): void {
    this.droppedCorrupt++;
    this.telemetry(() => addMetric('spoolDropped', 1, { reason: 'corrupt' }));
    logEvent(this.log(), 'spool_corrupt_record', `skipped ${region.length} ${region.kind} bytes in ${path}`, {
      path, offset: region.offset, bytes: region.length, kind: region.kind,
    });
  }

  private gauges(): void {
    this.telemetry(() => {
      setGauge('spoolMessages', this.count);
      setGauge('spoolBytes', this.total);
      setGauge('spoolCapacityRatio', Math.min(1, this.total / this.maxBytes));
    });
  }

  private telemetry(fn: () => void): void {
    try {
      fn();
    } catch {
      // telemetry never breaks the spool
    }
  }
}

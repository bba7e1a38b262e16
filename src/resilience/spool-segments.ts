/**
 * The segment files of one spool directory and the read head: appending frames to the last
 * segment (rolling to a new one when full), reading the oldest unacknowledged record, deleting
 * the oldest segment, and the open write/read handles. Queue semantics live in spool.ts.
 */
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AdelineError } from '../domain/errors.js';
import { io, ioError, segmentName, syncDir, type Cursor } from './spool-files.js';
import { decodeRecord, frameLengthAt } from './spool-format.js';
import { loadSpool, type BadRegionReporter, type Segment } from './spool-load.js';
import type { SpoolRecord } from './types.js';

interface Handle {
  seq: number;
  fh: FileHandle;
}

/** The record at the read head (null `record` when its bytes no longer check out), or null when empty. */
export type HeadRead = { seq: number; index: number; record: SpoolRecord | null } | null;

export class SpoolSegments {
  /** Records not yet acknowledged. */
  pending = 0;
  /** Bytes of all segment files. */
  total = 0;
  /** fsync calls made on segment data. */
  fsyncCount = 0;
  /** Data written since the last fsync. */
  dirty = false;
  private segments: Segment[] = [];
  private head = 0;
  private nextSeq = 0;
  private writer: Handle | undefined;
  private reader: Handle | undefined;

  constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private readonly fsync: 'always' | 'interval' | 'never',
  ) {}

  get count(): number {
    return this.segments.length;
  }

  async load(report: BadRegionReporter): Promise<void> {
    const loaded = await loadSpool(this.dir, report);
    this.segments = loaded.segments;
    this.head = loaded.head;
    this.nextSeq = loaded.nextSeq;
    this.total = this.segments.reduce((n, s) => n + s.bytes, 0);
    this.pending = this.segments.reduce((n, s) => n + s.offsets.length, 0) - this.head;
  }

  /** Appends one frame with a single write at the end of the last segment. */
  async append(frame: Buffer): Promise<void> {
    const seg = await this.writableSegment(frame.length);
    const fh = this.writer!.fh;
    const offset = seg.bytes;
    try {
      const { bytesWritten } = await fh.write(frame, 0, frame.length, null);
      if (bytesWritten !== frame.length) {
        throw new AdelineError(
          'ADELINE_ERR_SPOOL_IO',
          `short write (${bytesWritten} of ${frame.length} bytes)`,
        );
      }
    } catch (err) {
      await fh.truncate(offset).catch(() => {});
      throw ioError('write', seg.path, err);
    }
    seg.offsets.push(offset);
    seg.lengths.push(frame.length);
    seg.bytes += frame.length;
    this.total += frame.length;
    this.pending++;
    this.dirty = true;
  }

  /** Reads the oldest unacknowledged record; null when there is none. */
  async readHead(): Promise<HeadRead> {
    const seg = this.segments[0];
    if (!seg || this.head >= seg.offsets.length) return null;
    if (this.reader?.seq !== seg.seq) {
      await this.reader?.fh.close().catch(() => {});
      this.reader = { seq: seg.seq, fh: await io('open', seg.path, () => open(seg.path, 'r')) };
    }
    const len = seg.lengths[this.head]!;
    const buf = Buffer.allocUnsafe(len);
    const fh = this.reader.fh;
    const at = seg.offsets[this.head]!;
    const { bytesRead } = await io('read', seg.path, () => fh.read(buf, 0, len, at));
    const ok = bytesRead === len && frameLengthAt(buf, 0) === len;
    return { seq: seg.seq, index: this.head, record: ok ? decodeRecord(buf) : null };
  }

  /** Where the head record sits, for reporting. */
  headLocation(): { path: string; offset: number; length: number } | null {
    const seg = this.segments[0];
    if (!seg || this.head >= seg.offsets.length) return null;
    return { path: seg.path, offset: seg.offsets[this.head]!, length: seg.lengths[this.head]! };
  }

  isHead(seq: number, index: number): boolean {
    return this.segments[0]?.seq === seq && this.head === index;
  }

  advance(): void {
    this.head++;
    this.pending--;
  }

  /** Deletes leading segments whose records are all acknowledged; true when any was. */
  async reclaim(): Promise<boolean> {
    let removed = false;
    while (this.segments.length > 0 && this.head >= this.segments[0]!.offsets.length) {
      await this.removeOldest();
      removed = true;
    }
    return removed;
  }

  /** Deletes the oldest segment; returns how many unacknowledged records went with it. */
  async removeOldest(): Promise<number> {
    const seg = this.segments.shift()!;
    const lost = seg.offsets.length - this.head;
    this.head = 0;
    this.pending -= lost;
    this.total -= seg.bytes;
    for (const h of ['reader', 'writer'] as const) {
      const handle = this[h];
      if (handle?.seq !== seg.seq) continue;
      this[h] = undefined;
      if (h === 'writer') this.dirty = false;
      await handle.fh.close().catch(() => {});
    }
    await io('delete', seg.path, () => unlink(seg.path)).catch((err: unknown) => {
      if ((err as { details?: { errno?: string } }).details?.errno !== 'ENOENT') throw err;
    });
    return lost;
  }

  /** Position of the oldest unacknowledged record. */
  cursor(): Cursor {
    const seg = this.segments[0];
    if (!seg) return { segment: this.nextSeq, offset: 0 };
    return { segment: seg.seq, offset: seg.offsets[this.head] ?? seg.bytes };
  }

  async sync(): Promise<void> {
    const w = this.writer;
    if (!w) return;
    await io('fsync', join(this.dir, segmentName(w.seq)), () => w.fh.datasync());
    this.fsyncCount++;
    this.dirty = false;
  }

  async closeHandles(): Promise<void> {
    await this.writer?.fh.close().catch(() => {});
    await this.reader?.fh.close().catch(() => {});
    this.writer = this.reader = undefined;
  }

  /** The last segment if `len` fits (or it is empty), else a new one; opens its write handle. */
  private async writableSegment(len: number): Promise<Segment> {
    let seg = this.segments.at(-1);
    if (!seg || (seg.bytes > 0 && seg.bytes + len > this.segmentBytes)) {
      const seq = this.nextSeq++;
      seg = { seq, path: join(this.dir, segmentName(seq)), bytes: 0, offsets: [], lengths: [] };
      await this.openWriter(seg);
      this.segments.push(seg);
      if (this.fsync === 'always') await syncDir(this.dir);
    } else if (this.writer?.seq !== seg.seq) {
      await this.openWriter(seg);
    }
    return seg;
  }

  private async openWriter(seg: Segment): Promise<void> {
    if (this.writer) {
      if (this.dirty && this.fsync !== 'never') await this.sync();
      await this.writer.fh.close().catch(() => {});
      this.writer = undefined;
    }
    this.writer = { seq: seg.seq, fh: await io('open', seg.path, () => open(seg.path, 'a')) };
  }
}

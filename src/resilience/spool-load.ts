/**
 * Opening a spool directory: read the cursor, delete segments that were fully acknowledged,
 * scan the rest for valid frames (reporting bad bytes), and truncate the last segment back to
 * its last good record so that appending resumes on a clean boundary.
 */
import { readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { io, listSegments, readCursor, segmentName } from './spool-files.js';
import { scanSegment, type BadRegion } from './spool-format.js';

export interface Segment {
  seq: number;
  path: string;
  /** File size, bytes. */
  bytes: number;
  /** Offsets and lengths of the valid frames. */
  offsets: number[];
  lengths: number[];
}

export interface LoadedSpool {
  segments: Segment[];
  /** Index of the oldest unacknowledged record in segments[0]. */
  head: number;
  /** Sequence number for the next new segment. */
  nextSeq: number;
}

export type BadRegionReporter = (path: string, region: BadRegion) => void;

export async function loadSpool(dir: string, report: BadRegionReporter): Promise<LoadedSpool> {
  const seqs = await listSegments(dir);
  const cursor = await readCursor(dir);
  const segments: Segment[] = [];
  let head = 0;
  let tailGoodEnd = 0;
  for (const seq of seqs) {
    const path = join(dir, segmentName(seq));
    if (cursor && seq < cursor.segment) {
      await io('delete', path, () => unlink(path)); // acknowledged before the last stop
      continue;
    }
    const buf = await io('read', path, () => readFile(path));
    const scan = scanSegment(buf);
    const acked = cursor && seq === cursor.segment ? cursor.offset : 0;
    for (const region of scan.bad) {
      if (region.offset + region.length > acked) report(path, region);
    }
    if (acked > 0) head = firstAtOrAfter(scan.offsets, acked);
    segments.push({ seq, path, bytes: buf.length, offsets: scan.offsets, lengths: scan.lengths });
    tailGoodEnd = scan.goodEnd;
  }
  const last = segments.at(-1);
  if (last && tailGoodEnd < last.bytes) {
    await io('truncate', last.path, () => truncate(last.path, tailGoodEnd));
    last.bytes = tailGoodEnd;
  }
  const maxSeq = seqs.length > 0 ? seqs[seqs.length - 1]! : -1;
  return { segments, head, nextSeq: Math.max(maxSeq + 1, cursor?.segment ?? 0) };
}

function firstAtOrAfter(offsets: number[], pos: number): number {
  let i = 0;
  while (i < offsets.length && offsets[i]! < pos) i++;
  return i;
}

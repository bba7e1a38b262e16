/**
 * On-disk framing of spool records. A segment file is a sequence of frames:
 *
 *   magic (4 bytes: FF AD 53 01) | payload length (u32 LE) | CRC-32 of the payload (u32 LE) | payload
 *
 * The payload is the UTF-8 JSON of one SpoolRecord. 0xFF never occurs in UTF-8, so the magic
 * cannot appear inside a payload, and a scan can resynchronise on the next magic after bad bytes.
 */
import type { SpoolRecord } from './types.js';
import { crc32 } from './crc32.js';

export const MAGIC = Buffer.from([0xff, 0xad, 0x53, 0x01]);
export const HEADER_BYTES = 12;
/** Largest payload accepted, bytes. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** Frames a payload. */
export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  MAGIC.copy(frame, 0);
  frame.writeUInt32LE(payload.length, 4);
  frame.writeUInt32LE(crc32(payload), 8);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/** Length of the valid frame at `pos`, or 0 when there is none (bad magic, bounds or CRC). */
export function frameLengthAt(buf: Buffer, pos: number): number {
  if (pos + HEADER_BYTES > buf.length) return 0;
  if (buf.compare(MAGIC, 0, 4, pos, pos + 4) !== 0) return 0;
  const len = buf.readUInt32LE(pos + 4);
  const end = pos + HEADER_BYTES + len;
  if (len > MAX_PAYLOAD_BYTES || end > buf.length) return 0;
  if (crc32(buf, pos + HEADER_BYTES, end) !== buf.readUInt32LE(pos + 8)) return 0;
  return HEADER_BYTES + len;
}

export interface BadRegion {
  offset: number;
  length: number;
  /** truncated: a frame header whose payload runs past the end of the file (a write cut short). */
  kind: 'garbage' | 'truncated';
}

export interface ScanResult {
  /** Offsets and lengths of the valid frames, in file order. */
  offsets: number[];
  lengths: number[];
  /** Runs of bytes that are not valid frames; each counts as one dropped record. */
  bad: BadRegion[];
  /** End of the last valid frame (where appending may resume). */
  goodEnd: number;
}

/** Finds every valid frame in a segment, skipping bad bytes by resynchronising on the magic. */
export function scanSegment(buf: Buffer): ScanResult {
  const res: ScanResult = { offsets: [], lengths: [], bad: [], goodEnd: 0 };
  let pos = 0;
  let badStart = -1;
  const closeBad = (end: number) => {
    if (badStart < 0) return;
    res.bad.push({ offset: badStart, length: end - badStart, kind: classify(buf, badStart, end) });
    badStart = -1;
  };
  while (pos < buf.length) {
    const len = frameLengthAt(buf, pos);
    if (len > 0) {
      closeBad(pos);
      res.offsets.push(pos);
      res.lengths.push(len);
      pos += len;
      res.goodEnd = pos;
      continue;
    }
    if (badStart < 0) badStart = pos;
    const next = buf.indexOf(MAGIC, pos + 1);
    pos = next < 0 ? buf.length : next;
  }
  closeBad(buf.length);
  return res;
}

function classify(buf: Buffer, start: number, end: number): BadRegion['kind'] {
  if (end !== buf.length) return 'garbage';
  if (buf.compare(MAGIC, 0, Math.min(4, end - start), start, Math.min(start + 4, end)) !== 0) {
    return 'garbage';
  }
  if (end - start < HEADER_BYTES) return 'truncated';
  return start + HEADER_BYTES + buf.readUInt32LE(start + 4) > end ? 'truncated' : 'garbage';
}

/** Checks a record at the API edge: TypeError for wrong types, RangeError for bad values. */
export function validateRecord(rec: unknown): asserts rec is SpoolRecord {
  if (typeof rec !== 'object' || rec === null)
    throw new TypeError('spool record must be an object');
  const r = rec as Record<string, unknown>;
  const str = (k: string, optional = false) => {
    if (optional && r[k] === undefined) return;
    if (typeof r[k] !== 'string') throw new TypeError(`spool record ${k} must be a string`);
  };
  const int = (k: string) => {
    if (typeof r[k] !== 'number') throw new TypeError(`spool record ${k} must be a number`);
    if (!Number.isSafeInteger(r[k]) || (r[k] as number) < 0) {
      throw new RangeError(`spool record ${k} must be an integer >= 0, got ${String(r[k])}`);
    }
  };
  str('topic');
  if (r['topic'] === '') throw new RangeError('spool record topic must not be empty');
  str('payload');
  str('traceparent', true);
  str('tracestate', true);
  int('sourceId');
  int('messageId');
  int('spooledAtMs');
  if (r['qos'] !== 0 && r['qos'] !== 1 && r['qos'] !== 2) {
    throw new RangeError(`spool record qos must be 0, 1 or 2, got ${String(r['qos'])}`);
  }
}

/** Serialises a record into its frame. */
export function encodeRecord(rec: SpoolRecord): Buffer {
  const { topic, payload, qos, sourceId, messageId, traceparent, tracestate, spooledAtMs } = rec;
  const json = JSON.stringify({
    topic,
    payload,
    qos,
    sourceId,
    messageId,
    traceparent,
    tracestate,
    spooledAtMs,
  });
  return encodeFrame(Buffer.from(json, 'utf8'));
}

/** Parses a frame's payload; null when it is not a valid record. */
export function decodeRecord(frame: Buffer): SpoolRecord | null {
  try {
    const rec: unknown = JSON.parse(frame.toString('utf8', HEADER_BYTES));
    validateRecord(rec);
    return rec;
  } catch {
    return null;
  }
}

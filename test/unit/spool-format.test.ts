import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from '../../src/resilience/crc32.js';
import {
  HEADER_BYTES,
  MAGIC,
  decodeRecord,
  encodeFrame,
  encodeRecord,
  scanSegment,
  validateRecord,
} from '../../src/resilience/spool-format.js';
import type { SpoolRecord } from '../../src/resilience/types.js';

const rec = (i: number): SpoolRecord => ({
  topic: 'adeline/detections/0',
  payload: JSON.stringify({ message_id: i, objects: ['person'] }),
  qos: 1,
  sourceId: 0,
  messageId: i,
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  spooledAtMs: 1_700_000_000_000 + i,
});

describe('spool record format', () => {
  it('computes the standard CRC-32 check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.alloc(0)), 0);
  });

  it('matches zlib.crc32 on random data, also on a sub-range', () => {
    const buf = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff));
    assert.equal(crc32(buf), zlibCrc32(buf));
    assert.equal(crc32(buf, 100, 1000), zlibCrc32(buf.subarray(100, 1000)));
  });

  it('round-trips a record through its frame', () => {
    const frame = encodeRecord(rec(7));
    assert.deepEqual(frame.subarray(0, 4), MAGIC);
    assert.equal(frame.readUInt32LE(4), frame.length - HEADER_BYTES);
    assert.deepEqual(decodeRecord(frame), rec(7));
  });

  it('keeps non-ASCII payloads intact and never writes the magic inside a payload', () => {
    const r = { ...rec(1), payload: '{"label":"café 🚲 \\u00ff"}', topic: 'ünïcode/topic' };
    const frame = encodeRecord(r);
    assert.equal(frame.indexOf(MAGIC, 1), -1);
    assert.deepEqual(decodeRecord(frame), r);
  });

  it('finds every frame of a clean segment', () => {
    const buf = Buffer.concat([encodeRecord(rec(0)), encodeRecord(rec(1)), encodeRecord(rec(2))]);
    const scan = scanSegment(buf);
    assert.equal(scan.offsets.length, 3);
    assert.deepEqual(scan.bad, []);
    assert.equal(scan.goodEnd, buf.length);
  });

  it('skips garbage in the middle and keeps the frames after it', () => {
    const a = encodeRecord(rec(0));
    const garbage = Buffer.concat([
      Buffer.from('not a record'),
      MAGIC,
      Buffer.from([9, 0, 0, 0, 1, 2, 3, 4]),
    ]);
    const b = encodeRecord(rec(1));
    const scan = scanSegment(Buffer.concat([a, garbage, b]));
    assert.deepEqual(scan.offsets, [0, a.length + garbage.length]);
    assert.deepEqual(scan.bad, [{ offset: a.length, length: garbage.length, kind: 'garbage' }]);
  });

  it('rejects a frame whose payload CRC does not match (one flipped bit)', () => {
    const a = encodeRecord(rec(0));
    const b = encodeRecord(rec(1));
    b[HEADER_BYTES + 5]! ^= 0x01;
    const c = encodeRecord(rec(2));
    const scan = scanSegment(Buffer.concat([a, b, c]));
    assert.deepEqual(scan.offsets, [0, a.length + b.length]);
    assert.equal(scan.bad.length, 1);
  });

  it('classifies a frame cut short at the end of the file as truncated', () => {
    const a = encodeRecord(rec(0));
    for (const cut of [1, 5, HEADER_BYTES, HEADER_BYTES + 3]) {
      const partial = encodeRecord(rec(1)).subarray(0, cut);
      const scan = scanSegment(Buffer.concat([a, partial]));
      assert.equal(scan.goodEnd, a.length, `cut at ${cut}`);
      assert.deepEqual(
        scan.bad,
        [{ offset: a.length, length: cut, kind: 'truncated' }],
        `cut at ${cut}`,
      );
    }
  });

  it('finds nothing in a buffer of pure garbage and reports it as one bad region', () => {
    const buf = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) & 0xff));
    const scan = scanSegment(buf);
    assert.equal(scan.offsets.length, 0);
    assert.equal(scan.goodEnd, 0);
    assert.deepEqual(scan.bad, [{ offset: 0, length: 3000, kind: 'garbage' }]);
  });

  it('rejects records of the wrong shape with TypeError or RangeError', () => {
    assert.throws(() => validateRecord(null), TypeError);
    assert.throws(() => validateRecord({ ...rec(0), topic: 5 }), TypeError);
    assert.throws(() => validateRecord({ ...rec(0), topic: '' }), RangeError);
    assert.throws(() => validateRecord({ ...rec(0), qos: 3 }), RangeError);
    assert.throws(() => validateRecord({ ...rec(0), messageId: -1 }), RangeError);
    assert.throws(() => validateRecord({ ...rec(0), messageId: '1' }), TypeError);
    assert.throws(() => validateRecord({ ...rec(0), traceparent: 1 }), TypeError);
  });

  it('decodes a CRC-valid frame whose JSON is not a record as null', () => {
    assert.equal(decodeRecord(encodeFrame(Buffer.from('{"topic":"t"}'))), null);
    assert.equal(decodeRecord(encodeFrame(Buffer.from('not json'))), null);
  });
});

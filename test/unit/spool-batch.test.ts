/** peekBatch / ackBatch of the disk spool: the pipelined replay's view of the head (issue 13). */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskSpool, type SpoolConfig } from '../../src/resilience/spool.js';
import type { SpoolRecord } from '../../src/resilience/types.js';

const rec = (i: number): SpoolRecord => ({
  topic: 'adeline/detections',
  payload: JSON.stringify({ message_id: i, pad: 'x'.repeat(100) }),
  qos: 1,
  sourceId: i % 2,
  messageId: i,
  spooledAtMs: 1_700_000_000_000 + i,
});

describe('disk spool: batches from the head', () => {
  let dir: string;
  let spool: DiskSpool;
  const config = (): SpoolConfig => ({
    enabled: true,
    dir,
    max_bytes: 1024 * 1024,
    segment_bytes: 1024, // a few records per segment: batches cross segment files
    fsync: 'never',
    fsync_interval_ms: 1000,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adeline-spool-batch-'));
    spool = new DiskSpool(config());
    await spool.open();
  });
  afterEach(async () => {
    await spool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns up to n records in append order across segment files, without removing them', async () => {
    for (let i = 1; i <= 20; i++) await spool.append(rec(i));
    const batch = await spool.peekBatch(8);
    assert.deepEqual(
      batch.map((r) => r.messageId),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(spool.size(), 20, 'peekBatch removes nothing');
    assert.deepEqual(
      (await spool.peekBatch(3)).map((r) => r.messageId),
      [1, 2, 3],
    );
  });

  it('acknowledges only the first k records of the batch, and the rest come again', async () => {
    for (let i = 1; i <= 10; i++) await spool.append(rec(i));
    await spool.peekBatch(6);
    await spool.ackBatch(4);
    assert.equal(spool.size(), 6);
    assert.deepEqual(
      (await spool.peekBatch(100)).map((r) => r.messageId),
      [5, 6, 7, 8, 9, 10],
    );
    await spool.ackBatch(6);
    assert.equal(spool.size(), 0);
    assert.deepEqual(await spool.peekBatch(5), []);
  });

  it('keeps the position across a reopen after acknowledging a batch', async () => {
    for (let i = 1; i <= 12; i++) await spool.append(rec(i));
    await spool.peekBatch(7);
    await spool.ackBatch(7);
    await spool.close();
    spool = new DiskSpool(config());
    await spool.open();
    assert.deepEqual(
      (await spool.peekBatch(10)).map((r) => r.messageId),
      [8, 9, 10, 11, 12],
    );
  });

  it('acknowledges nothing when the batch was dropped for space meanwhile', async () => {
    await spool.close();
    spool = new DiskSpool({ ...config(), max_bytes: 4096 });
    await spool.open();
    for (let i = 1; i <= 4; i++) await spool.append(rec(i));
    await spool.peekBatch(2);
    for (let i = 5; i <= 40; i++) await spool.append(rec(i)); // the oldest segments go
    const before = spool.size();
    await spool.ackBatch(2);
    assert.equal(spool.size(), before, 'a different head is not acknowledged');
  });

  it('acknowledges nothing with ackBatch(0) or without a batch', async () => {
    for (let i = 1; i <= 3; i++) await spool.append(rec(i));
    await spool.ackBatch(5);
    assert.equal(spool.size(), 3);
    await spool.peekBatch(3);
    await spool.ackBatch(0);
    assert.equal(spool.size(), 3);
  });
});

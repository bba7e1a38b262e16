import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAdelineError } from '../../src/domain/errors.js';
import { segmentName } from '../../src/resilience/spool-files.js';
import { encodeRecord } from '../../src/resilience/spool-format.js';
import { DiskSpool, type SpoolConfig, type SpoolTimers } from '../../src/resilience/spool.js';
import type { SpoolRecord } from '../../src/resilience/types.js';
import {
  captureLogs,
  installMetrics,
  type LogCapture,
  type MetricsProbe,
} from './resilience-helpers.js';

export const rec = (i: number, pad = 100): SpoolRecord => ({
  topic: `adeline/detections/${i % 2}`,
  payload: JSON.stringify({ message_id: i, pad: 'x'.repeat(pad) }),
  qos: 1,
  sourceId: i % 2,
  messageId: i,
  traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
  spooledAtMs: 1_700_000_000_000 + i,
});

describe('disk spool', () => {
  let dir: string;
  let logs: LogCapture;
  let probe: MetricsProbe;
  const open: DiskSpool[] = [];

  const config = (over: Partial<SpoolConfig> = {}): SpoolConfig => ({
    enabled: true,
    dir,
    max_bytes: 1024 * 1024,
    segment_bytes: 4096,
    fsync: 'never',
    fsync_interval_ms: 1000,
    ...over,
  });
  async function spool(over: Partial<SpoolConfig> = {}, timers?: SpoolTimers): Promise<DiskSpool> {
    const s = new DiskSpool(config(over), { logger: () => logs.logger, timers });
    await s.open();
    open.push(s);
    return s;
  }
  async function drain(s: DiskSpool, max = Infinity): Promise<number[]> {
    const ids: number[] = [];
    for (
      let r = await s.peek();
      r && ids.length < max;
      r = ids.length < max ? await s.peek() : null
    ) {
      ids.push(r.messageId);
      await s.ack();
    }
    return ids;
  }
  async function appendAll(s: DiskSpool, from: number, to: number, pad?: number): Promise<void> {
    for (let i = from; i < to; i++) await s.append(rec(i, pad));
  }
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
  const segments = async () => (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adeline-spool-'));
    logs = captureLogs();
    probe = installMetrics();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await probe.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('replays records in append order across segments and after a reopen, without the acked ones', async () => {
    const a = await spool();
    await appendAll(a, 0, 100);
    assert.ok((await segments()).length > 3, 'spans several segments');
    assert.deepEqual(await drain(a, 30), range(0, 30));
    await a.close();
    const b = await spool();
    assert.equal(b.size(), 70);
    assert.deepEqual(await drain(b), range(30, 100));
    assert.equal(await b.peek(), null);
  });

  it('keeps the read position across a restart in every fsync mode', async () => {
    for (const fsync of ['always', 'interval', 'never'] as const) {
      await rm(dir, { recursive: true, force: true });
      const a = await spool({ fsync });
      await appendAll(a, 0, 10);
      await drain(a, 4);
      await a.close();
      const b = await spool({ fsync });
      assert.deepEqual(await drain(b), range(4, 10), fsync);
      await b.close();
    }
  });

  it('makes records left by a previous run available after open and logs their count', async () => {
    const a = await spool();
    await appendAll(a, 0, 12);
    await a.close();
    const b = await spool();
    assert.equal(b.size(), 12);
    assert.equal(logs.events('spool_opened').at(-1)!['records'], 12);
    assert.deepEqual(await b.peek(), rec(0));
  });

  it('deletes fully acknowledged segments and the emptied last one', async () => {
    const a = await spool();
    await appendAll(a, 0, 60);
    const before = (await segments()).length;
    await drain(a, 40);
    assert.ok((await segments()).length < before);
    await drain(a);
    assert.deepEqual(await segments(), []);
    assert.equal(a.bytes(), 0);
    await a.append(rec(60));
    assert.deepEqual(await drain(a), [60]);
  });

  it('ignores a truncated last record, truncates the file and appends cleanly after it', async () => {
    const a = await spool();
    await appendAll(a, 0, 5);
    await a.close();
    const [last] = (await segments()).slice(-1);
    const path = join(dir, last!);
    const goodSize = (await stat(path)).size;
    await appendFile(path, encodeRecord(rec(5)).subarray(0, 40));
    const b = await spool();
    assert.equal(b.size(), 5);
    assert.equal((await stat(path)).size, goodSize);
    assert.equal(b.status().droppedCorrupt, 1);
    assert.equal(logs.events('spool_corrupt_record')[0]!['kind'], 'truncated');
    await b.append(rec(6));
    await b.close();
    const c = await spool();
    assert.deepEqual(await drain(c), [0, 1, 2, 3, 4, 6]);
    assert.equal(c.status().droppedCorrupt, 0, 'nothing corrupt left');
  });

  it('skips garbage in the middle of a segment, keeping the records before and after it', async () => {
    const frames = [0, 1, 2, 3].map((i) => encodeRecord(rec(i)));
    const garbage = Buffer.from('\u0000garbage\u00ff\u00ad' + 'z'.repeat(50), 'latin1');
    await writeFile(
      join(dir, segmentName(0)),
      Buffer.concat([frames[0]!, frames[1]!, garbage, frames[2]!, frames[3]!]),
    );
    const s = await spool();
    assert.deepEqual(await drain(s), [0, 1, 2, 3]);
    assert.equal(s.status().droppedCorrupt, 1);
    assert.equal(await probe.value('adeline_spool_dropped_total', { reason: 'corrupt' }), 1);
    const line = logs.events('spool_corrupt_record')[0]!;
    assert.equal(line['offset'], frames[0]!.length + frames[1]!.length);
    assert.equal(line['bytes'], garbage.length);
  });

  it('survives a segment of pure garbage before good segments', async () => {
    const noise = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 17) & 0xff));
    await writeFile(join(dir, segmentName(0)), noise);
    await writeFile(
      join(dir, segmentName(1)),
      Buffer.concat([encodeRecord(rec(0)), encodeRecord(rec(1))]),
    );
    const s = await spool();
    assert.deepEqual(await drain(s), [0, 1]);
    assert.equal(s.status().droppedCorrupt, 1);
  });

  it('opens a spool whose only segment is pure garbage as empty and appends after truncating it', async () => {
    await writeFile(
      join(dir, segmentName(3)),
      Buffer.from('this is not a spool segment at all'.repeat(20)),
    );
    const s = await spool();
    assert.equal(s.size(), 0);
    assert.equal(await s.peek(), null);
    await s.append(rec(9));
    await s.close();
    assert.deepEqual(await drain(await spool()), [9]);
  });

  it('replays everything (duplicates, never loss) when the cursor file is garbage', async () => {
    const a = await spool();
    await appendAll(a, 0, 6);
    await drain(a, 2);
    await a.close();
    await writeFile(join(dir, 'cursor.json'), '{not json');
    assert.deepEqual(await drain(await spool()), range(0, 6));
  });

  it('drops the oldest records when full, counts them exactly and logs it', async () => {
    const s = await spool({ max_bytes: 8192, segment_bytes: 1024 });
    const n = 200;
    await appendAll(s, 0, n);
    const st = s.status();
    assert.ok(st.bytes <= 8192, `bytes ${st.bytes}`);
    assert.ok(st.full);
    assert.equal(st.droppedFull + s.size(), n, 'every record is either kept or counted');
    assert.equal(
      await probe.value('adeline_spool_dropped_total', { reason: 'full' }),
      st.droppedFull,
    );
    assert.ok(logs.events('spool_dropped_oldest').length > 0);
    const kept = s.size();
    assert.ok(kept > 10 && kept < n);
    assert.deepEqual(await drain(s), range(n - kept, n), 'the newest records survive, in order');
    assert.equal(s.status().full, false, 'no longer full once drained');
  });

  it('does not ack a different record when the peeked one was dropped for space', async () => {
    const s = await spool({ max_bytes: 4096, segment_bytes: 1024 });
    await s.append(rec(0));
    assert.equal((await s.peek())!.messageId, 0);
    await appendAll(s, 1, 40);
    const oldest = (await s.peek())!.messageId;
    assert.ok(oldest > 0, 'record 0 was dropped');
    await s.ack(); // acks `oldest`, returned by the last peek
    assert.equal((await s.peek())!.messageId, oldest + 1);
  });

  it('keeps the spool gauges current', async () => {
    const s = await spool({ max_bytes: 65536 });
    await appendAll(s, 0, 10);
    assert.equal(await probe.value('adeline_spool_messages'), 10);
    assert.equal(await probe.value('adeline_spool_bytes'), s.bytes());
    assert.equal(await probe.value('adeline_spool_usage_ratio'), s.bytes() / 65536);
    await drain(s);
    assert.equal(await probe.value('adeline_spool_messages'), 0);
  });

  it('fsyncs every append with fsync: always, never with fsync: never', async () => {
    const always = await spool({ fsync: 'always' });
    await appendAll(always, 0, 5);
    assert.equal(always.fsyncCount, 5);
    await always.close();
    await rm(dir, { recursive: true, force: true });
    const never = await spool({ fsync: 'never' });
    await appendAll(never, 0, 5);
    await never.close();
    assert.equal(never.fsyncCount, 0);
  });

  it('fsyncs once per interval with fsync: interval, only when something was written', async () => {
    let tick: (() => void) | undefined;
    const timers: SpoolTimers = {
      setInterval: (fn) => ((tick = fn), 1),
      clearInterval: () => (tick = undefined),
    };
    const s = await spool({ fsync: 'interval' }, timers);
    await appendAll(s, 0, 5);
    assert.equal(s.fsyncCount, 0);
    tick!();
    await s.peek(); // queued behind the flush
    assert.equal(s.fsyncCount, 1);
    tick!();
    await s.peek();
    assert.equal(s.fsyncCount, 1, 'nothing new to sync');
    await s.append(rec(5));
    await s.close();
    assert.equal(s.fsyncCount, 2, 'close flushes');
    assert.equal(tick, undefined, 'close stops the timer');
  });

  it('fails with ADELINE_ERR_SPOOL_IO naming the path and the fix when the directory cannot be created', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const bad = join(dir, 'a-file', 'spool');
    const err = await new DiskSpool(config({ dir: bad })).open().catch((e: unknown) => e);
    assert.ok(isAdelineError(err, 'ADELINE_ERR_SPOOL_IO'), String(err));
    assert.ok((err as Error).message.includes(bad));
    assert.match((err as Error).message, /not a directory; fix spool.dir/);
  });

  it('rejects bad records, oversized records and use before open', async () => {
    await assert.rejects(new DiskSpool(config()).append(rec(0)), /not open; call open\(\) first/);
    const s = await spool({ max_bytes: 4096 });
    await assert.rejects(s.append({ ...rec(0), qos: 3 as 1 }), RangeError);
    await assert.rejects(s.append('record' as unknown as SpoolRecord), TypeError);
    await assert.rejects(s.append(rec(0, 5000)), /exceeds spool.max_bytes/);
    assert.equal(s.size(), 0);
    assert.throws(() => new DiskSpool(config({ dir: '' })), TypeError);
    assert.throws(() => new DiskSpool(config({ fsync: 'sometimes' as 'never' })), RangeError);
  });

  it('acks nothing when nothing was peeked', async () => {
    const s = await spool();
    await appendAll(s, 0, 3);
    await s.ack();
    assert.equal(s.size(), 3);
    assert.equal((await s.peek())!.messageId, 0);
  });
});

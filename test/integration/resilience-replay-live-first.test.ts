/**
 * Issue 13, live data first: the service starts on a spool left with 12,000 messages (as after a
 * long outage) while its camera keeps producing. With spool.replay.live_first (the default), live
 * detections reach the subscriber within LIVE_BOUND_MS of being built while the replay (capped by
 * spool.replay.rate_per_s) is still going, and the replay completes in order. With live_first
 * false, live detections queue behind the spool: one stream in message_id order, live data late.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfigSchema } from '../../src/config/schema.js';
import { FileIdSequence } from '../../src/resilience/id-sequence.js';
import { DiskSpool } from '../../src/resilience/spool.js';
import { DetectionCollector, type Received } from '../helpers/mqtt-collector.js';
import { startMosquitto, stopAll, tempDir } from '../helpers/processes.js';
import { startService } from '../helpers/service.js';

const BACKLOG = 12_000;
const RATE = 3000; // spool.replay.rate_per_s: the replay takes about 4 s
/** What docs/resilience.md promises for live data while the spool drains (build → subscriber). */
const LIVE_BOUND_MS = 500;
const OLD_SOURCE = 7;

/** A spool directory holding `n` detection messages of source 7, ids from the service's own sequence. */
async function backlog(n: number): Promise<string> {
  const dir = join(tempDir('adeline-backlog-'), 'spool');
  const ids = new FileIdSequence(join(dir, 'message-id'));
  const spool = new DiskSpool(ConfigSchema.parse({ spool: { dir, fsync: 'never' } }).spool);
  await spool.open();
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const messageId = ids.take();
    const ts = new Date(now - (n - i) * 10).toISOString();
    const payload = JSON.stringify({
      timestamp: ts,
      detection_count: 0,
      detections: [],
      frame: { frame_id: i, source_id: OLD_SOURCE, timestamp: ts },
      trace_id: null,
      message_id: messageId,
    });
    await spool.append({
      topic: 'inference/data/detections',
      payload,
      qos: 0,
      sourceId: OLD_SOURCE,
      messageId,
      spooledAtMs: now,
    });
  }
  await spool.close();
  return dir;
}

describe('resilience: live data while a large spool drains', function () {
  this.timeout(90_000);
  let collector: DetectionCollector | undefined;

  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
    await stopAll();
  });

  async function drainWith(liveFirst: boolean): Promise<{ old: Received[]; live: Received[] }> {
    const spoolDir = await backlog(BACKLOG);
    const mosq = await startMosquitto();
    const url = `mqtt://127.0.0.1:${mosq.port}`;
    collector = await DetectionCollector.start(url, { protocolVersion: 5 });
    const run = startService({
      brokerUrl: url,
      spoolDir,
      args: ['--source', 'synthetic:?seed=1&width=160&height=120', '--max-fps', '10'],
      set: { 'spool.replay.rate_per_s': RATE, 'spool.replay.live_first': liveFirst },
    });
    await run.healthPort();
    const c = collector;
    await c.waitUntil(
      (x) => x.messages.filter((m) => m.sourceId === OLD_SOURCE).length >= BACKLOG,
      40_000,
      'the whole backlog replayed',
    );
    const lastOld = Math.max(
      ...c.messages.filter((m) => m.sourceId === OLD_SOURCE).map((m) => m.atMs),
    );
    await c.waitUntil(
      (x) => x.messages.some((m) => m.sourceId === 0 && m.atMs > lastOld + 500),
      10_000,
      'live messages after the replay',
    );
    assert.equal(await run.stop('SIGTERM'), 0, run.proc.stderr().slice(-2000));
    const old = c.messages.filter((m) => m.sourceId === OLD_SOURCE);
    const live = c.messages.filter((m) => m.sourceId === 0);
    // The replay completes, in order, nothing missing.
    assert.equal(new Set(old.map((m) => m.messageId)).size, BACKLOG);
    assert.deepEqual(
      c.orderViolations((m) => m.sourceId === OLD_SOURCE),
      [],
    );
    assert.deepEqual(
      c.orderViolations((m) => m.sourceId === 0),
      [],
    );
    assert.ok(
      old.every((m) => m.replayed),
      'backlog messages carry the replayed user property',
    );
    return { old, live };
  }

  it(`with live_first, live detections arrive within ${LIVE_BOUND_MS} ms of being built while the replay goes on, and the replay completes in order`, async () => {
    const { old, live } = await drainWith(true);
    const first = old[0]!.atMs;
    const last = old.at(-1)!.atMs;
    assert.ok(last - first >= 2500, `the replay took only ${last - first} ms`);
    const during = live.filter((m) => m.atMs > first && m.atMs < last);
    assert.ok(during.length >= 10, `only ${during.length} live messages during the replay`);
    const lags = during.map((m) => m.atMs - m.builtAtMs);
    assert.ok(
      Math.max(...lags) <= LIVE_BOUND_MS,
      `live lag during the replay: max ${Math.max(...lags)} ms`,
    );
    assert.ok(
      during.every((m) => !m.replayed),
      'live messages are not replays',
    );
  });

  it('with live_first false, live detections queue behind the spool and arrive in message_id order after it', async () => {
    const { old, live } = await drainWith(false);
    const lastOld = old.at(-1)!;
    const builtDuring = live.filter((m) => m.builtAtMs < lastOld.atMs - 1000);
    assert.ok(builtDuring.length >= 10, `only ${builtDuring.length} live messages built meanwhile`);
    for (const m of builtDuring)
      assert.ok(m.atMs >= lastOld.atMs, `live ${m.messageId} overtook the backlog`);
    const lags = builtDuring.map((m) => m.atMs - m.builtAtMs);
    assert.ok(Math.max(...lags) >= 1000, `live data did wait: max lag ${Math.max(...lags)} ms`);
  });
});

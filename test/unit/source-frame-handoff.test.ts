import assert from 'node:assert/strict';
import type { Frame } from '../../src/domain/frame.js';
import { FrameHandoff } from '../../src/source/frame-handoff.js';
import { FramePool, PooledFrame } from '../../src/source/frame-pool.js';

function setup(live: boolean) {
  const pool = new FramePool(4);
  const events = { drops: 0, demands: 0, ready: [] as boolean[] };
  const h = new FrameHandoff(live, {
    drop: () => events.drops++,
    demand: () => events.demands++,
    ready: (w) => events.ready.push(w),
  });
  let seq = 0;
  const frame = (): Frame => new PooledFrame(pool, 0, ++seq, 2, 1, pool.acquire(6), 0, 0);
  return { pool, h, events, frame };
}

describe('frame handoff and pool', () => {
  it('keeps only the latest live frame and reports each replaced one as a drop', async () => {
    const { h, events, frame, pool } = setup(true);
    h.push(frame());
    h.push(frame());
    h.push(frame());
    assert.equal(events.drops, 2);
    assert.equal(pool.freeCount(), 1, 'the replaced frames went back to the pool');
    assert.equal(pool.allocated, 2, "the third frame reused the first one's buffer");
    const f = await h.next();
    assert.equal(f?.seq, 3);
    assert.ok(h.wantsMore(), 'a live reader always reads');
  });

  it('delivers every non-live frame in order and asks the reader to pause when one is queued', async () => {
    const { h, events, frame } = setup(false);
    const waiting = h.next();
    assert.ok(h.wantsMore());
    h.push(frame());
    assert.equal((await waiting)?.seq, 1);
    h.push(frame());
    assert.equal(h.wantsMore(), false, 'one frame read ahead is enough');
    assert.deepEqual(events.ready, [true]);
    assert.equal((await h.next())?.seq, 2);
    assert.deepEqual(events.ready, [true, false]);
    assert.equal(events.drops, 0);
  });

  it('drains queued frames before answering null after end, and releases them on close', async () => {
    const { h, frame, pool } = setup(false);
    h.push(frame());
    h.end();
    assert.equal((await h.next())?.seq, 1);
    assert.equal(await h.next(), null);
    const c = setup(false);
    c.h.push(c.frame());
    const free = c.pool.freeCount();
    c.h.close();
    assert.equal(c.pool.freeCount(), free + 1);
    assert.equal(await c.h.next(), null);
    assert.ok(pool);
  });

  it('reuses released buffers and ignores a second release or a detached buffer', () => {
    const pool = new FramePool(2);
    const a = pool.acquire(6);
    const f = new PooledFrame(pool, 0, 1, 2, 1, a, 0, 0);
    f.release();
    f.release();
    assert.equal(pool.freeCount(), 1);
    assert.equal(pool.acquire(6), a);
    const b = pool.acquire(6);
    structuredClone(b.buffer, { transfer: [b.buffer as ArrayBuffer] });
    pool.release(b);
    assert.equal(pool.freeCount(), 0, 'a transferred buffer is not reused');
    assert.equal(pool.allocated, 2);
  });
});

describe('frame handoff: a faulty drop hook', () => {
  it('keeps replacing live frames when the drop hook throws', async () => {
    const pool = new FramePool(4);
    let calls = 0;
    const h = new FrameHandoff(true, {
      drop: () => {
        calls++;
        throw new Error('boom');
      },
      demand: () => {},
      ready: () => {},
    });
    for (let seq = 1; seq <= 3; seq++)
      h.push(new PooledFrame(pool, 0, seq, 2, 1, pool.acquire(6), 0, 0));
    assert.equal(calls, 2);
    assert.equal((await h.next())?.seq, 3, 'the latest frame still wins');
  });
});

import assert from 'node:assert/strict';
import { FrameLoop } from '../../src/pipeline/frame-loop.js';
import { FakePipeline, FakeSource, ManualClock, settle } from './frame-loop-fakes.js';

async function runToEnd(clock: ManualClock, done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i++) {
    await settle();
    if (!done() && !clock.advanceToNext()) await settle();
  }
}

describe('frame loop: pacing, order and fairness', () => {
  it('paces a file source at max_fps and delivers every frame in order', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(2, clock);
    const src = new FakeSource(0, false);
    src.emit(10);
    src.end();
    let ended = 0;
    const s = new FrameLoop({
      sources: [{ source: src }],
      maxFps: 5,
      ...pipe,
      onEnded: () => ended++,
      clock,
    });
    s.start();
    await runToEnd(clock, () => ended > 0);
    assert.deepEqual(
      pipe.got.map((g) => g.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(
      pipe.got.map((g) => g.at),
      [0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800],
    );
    assert.equal(ended, 1);
    assert.equal(s.inFlight(), 0, 'the slot taken for the end-of-file answer was given back');
    assert.deepEqual(s.dropped(0), {
      max_fps: 0,
      backpressure: 0,
      paused: 0,
      error: 0,
      shutdown: 0,
    });
  });

  it('takes frames as fast as slots free up when max_fps is 0', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock);
    const src = new FakeSource(0, false);
    src.emit(25);
    src.end();
    const s = new FrameLoop({ sources: [{ source: src }], maxFps: 0, ...pipe, clock });
    s.start();
    await s.done();
    assert.equal(pipe.got.length, 25);
    assert.ok(
      pipe.got.every((g) => g.at === 0),
      'no frame waited on the clock',
    );
    assert.equal(clock.pending(), 0);
  });

  it('applies a per-source max_fps over the default', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(4, clock);
    const fast = new FakeSource(1, false);
    const slow = new FakeSource(2, false);
    for (const f of [fast, slow]) {
      f.emit(4);
      f.end();
    }
    const s = new FrameLoop({
      sources: [{ source: fast }, { source: slow, maxFps: 2 }],
      maxFps: 0,
      ...pipe,
      clock,
    });
    s.start();
    let finished = false;
    void s.done().then(() => (finished = true));
    await runToEnd(clock, () => finished);
    assert.equal(pipe.got.length, 8);
    assert.deepEqual(
      pipe.got.filter((g) => g.sourceId === 1).map((g) => g.at),
      [0, 0, 0, 0],
    );
    assert.deepEqual(
      pipe.got.filter((g) => g.sourceId === 2).map((g) => g.at),
      [0, 500, 1000, 1500],
    );
  });

  it('serves ready sources round-robin when one slot is shared', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock);
    const a = new FakeSource(3, false);
    const b = new FakeSource(7, false);
    for (const f of [a, b]) {
      f.emit(5);
      f.end();
    }
    let ended = 0;
    const s = new FrameLoop({
      sources: [{ source: a }, { source: b }],
      maxFps: 0,
      ...pipe,
      onEnded: () => ended++,
      clock,
    });
    s.start();
    await s.done();
    assert.deepEqual(
      pipe.got.map((g) => g.sourceId),
      [3, 7, 3, 7, 3, 7, 3, 7, 3, 7],
    );
    assert.deepEqual(
      pipe.got.filter((g) => g.sourceId === 7).map((g) => g.seq),
      [1, 2, 3, 4, 5],
    );
    assert.equal(ended, 1, 'onEnded fires once, after both sources ended');
  });

  it('holds files while paused without dropping, and goes on after resume', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock);
    const src = new FakeSource(0, false);
    src.emit(6);
    src.end();
    const s = new FrameLoop({ sources: [{ source: src }], maxFps: 0, ...pipe, clock });
    s.pause();
    assert.equal(src.paused, true, 'a pause-aware source is told');
    s.start();
    await settle();
    await settle();
    assert.equal(pipe.got.length, 0);
    s.resume();
    await s.done();
    assert.equal(pipe.got.length, 6);
    assert.equal(s.dropped().paused, 0);
    assert.equal(src.paused, false);
  });

  it('stops every loop, gives back unused slots and does not report the sources as ended', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock, false);
    const live = new FakeSource(0, true);
    const file = new FakeSource(1, false);
    let ended = 0;
    const s = new FrameLoop({
      sources: [{ source: live }, { source: file }],
      maxFps: 0,
      ...pipe,
      onEnded: () => ended++,
      clock,
    });
    s.start();
    await settle();
    assert.equal(s.inFlight(), 1, 'one loop holds the only slot, waiting for a frame');
    await s.stop();
    await s.stop();
    assert.equal(ended, 0);
    assert.equal(s.inFlight(), 0);
    live.emit(1);
    assert.equal(pipe.got.length, 0, 'nothing is taken after stop');
  });

  it('rejects duplicate source ids, a negative max_fps, a bad frame limit and a handler without process', () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock);
    const a = new FakeSource(1, true);
    assert.throws(
      () =>
        new FrameLoop({
          sources: [{ source: a }, { source: new FakeSource(1, false) }],
          maxFps: 0,
          ...pipe,
        }),
      /two sources have the id 1/,
    );
    assert.throws(
      () => new FrameLoop({ sources: [{ source: a }], maxFps: -1, ...pipe }),
      RangeError,
    );
    assert.throws(
      () => new FrameLoop({ sources: [{ source: a, maxFps: 5000 }], maxFps: 0, ...pipe }),
      RangeError,
    );
    assert.throws(
      () =>
        new FrameLoop({
          sources: [{ source: a }],
          maxFps: 0,
          ...pipe,
          handler: { process: undefined as never },
        }),
      /process must be a function/,
    );
    assert.throws(
      () => new FrameLoop({ sources: [{ source: a }], maxFps: 0, ...pipe, frameLimit: 0 }),
      /frameLimit must be an integer >= 1/,
    );
    assert.throws(
      () => new FrameLoop({ sources: [{ source: a }], maxFps: 0, ...pipe, maxInFlight: 0 }),
      /maxInFlight must be an integer >= 1/,
    );
  });
});

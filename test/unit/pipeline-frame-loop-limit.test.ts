import assert from 'node:assert/strict';
import { FrameLoop } from '../../src/pipeline/frame-loop.js';
import { installMetrics, type MetricsProbe } from './resilience-helpers.js';
import { FakePipeline, FakeSource, ManualClock, settle } from './frame-loop-fakes.js';

describe('frame loop: frame limit, in-flight slots and drain', () => {
  let probe: MetricsProbe;
  before(() => (probe = installMetrics()));
  after(() => probe.stop());

  it('hands over exactly frameLimit frames across sources and reports the limit once, when they finished', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(2, clock, false);
    const a = new FakeSource(1, false);
    const b = new FakeSource(2, false);
    for (const f of [a, b]) f.emit(10);
    let reached = 0;
    const s = new FrameLoop({
      sources: [{ source: a }, { source: b }],
      maxFps: 0,
      ...pipe,
      frameLimit: 5,
      onLimitReached: () => reached++,
      clock,
    });
    s.start();
    for (let i = 0; i < 10; i++) {
      await settle();
      pipe.finish();
    }
    await settle();
    assert.equal(pipe.got.length, 5, 'no frame beyond the limit is processed');
    assert.equal(s.finishedCount(), 5);
    assert.equal(reached, 1);
    assert.equal(s.wantsMore(), false);
    await s.stop();
    assert.equal(s.inFlight(), 0, 'every slot came back');
  });

  it('never holds more than maxInFlight frames at once', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(3, clock, false);
    const src = new FakeSource(0, false);
    src.emit(10);
    const s = new FrameLoop({ sources: [{ source: src }], maxFps: 0, ...pipe, clock });
    s.start();
    await settle();
    assert.equal(pipe.held.length, 3);
    assert.equal(s.inFlight(), 3);
    pipe.finish();
    await settle();
    assert.equal(pipe.held.length, 3, 'a freed slot is refilled at once');
    assert.equal(pipe.got.length, 4);
    await s.stop();
    assert.equal(s.inFlight(), 3, 'frames in flight keep their slots after stop');
    assert.notEqual(s.lastFrameAt(), null);
    for (let i = 0; i < 3; i++) pipe.finish();
    assert.equal(await s.drain(1000), true);
    assert.equal(s.inFlight(), 0);
  });

  it('gives up draining at the deadline and counts the unfinished frames as shutdown drops', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(2, clock, false);
    const src = new FakeSource(0, false);
    src.emit(2);
    const s = new FrameLoop({ sources: [{ source: src }], maxFps: 0, ...pipe, clock });
    s.start();
    await settle();
    await s.stop();
    const before =
      (await probe.value('adeline_frames_dropped_total', { source_id: -1, reason: 'shutdown' })) ??
      0;
    assert.equal(await s.drain(20), false);
    assert.equal(
      await probe.value('adeline_frames_dropped_total', { source_id: -1, reason: 'shutdown' }),
      before + 2,
    );
    pipe.finish();
    pipe.finish();
  });

  it('frees the slot of a frame whose processing rejects and goes on', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock);
    const src = new FakeSource(0, false);
    src.emit(3);
    src.end();
    let calls = 0;
    const s = new FrameLoop({
      sources: [{ source: src }],
      maxFps: 0,
      ...pipe,
      handler: {
        process: (f) =>
          ++calls === 1 ? (f.release(), Promise.reject(new Error('x'))) : pipe.process(f),
      },
      clock,
    });
    s.start();
    await s.done();
    assert.equal(calls, 3);
    assert.equal(s.finishedCount(), 3);
    assert.equal(s.inFlight(), 0);
  });
});

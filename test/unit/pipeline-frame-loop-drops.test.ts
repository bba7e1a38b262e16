import assert from 'node:assert/strict';
import { FrameLoop } from '../../src/pipeline/frame-loop.js';
import { installMetrics, type MetricsProbe } from './resilience-helpers.js';
import { FakePipeline, FakeSource, ManualClock, settle } from './frame-loop-fakes.js';

describe('frame loop: live sources drop stale frames with a reason', () => {
  let probe: MetricsProbe;
  before(() => (probe = installMetrics()));
  after(() => probe.stop());

  it('counts frames replaced while the pipeline is busy as backpressure and takes the latest', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock, false);
    const src = new FakeSource(4, true);
    const s = new FrameLoop({ sources: [{ source: src }], maxFps: 0, ...pipe, clock });
    s.start();
    src.emit(1);
    await settle();
    assert.deepEqual(
      pipe.got.map((g) => g.seq),
      [1],
    );
    src.emit(5); // frames 2..6 while frame 1 holds the only slot: 2..5 are replaced
    pipe.finish();
    await settle();
    assert.deepEqual(
      pipe.got.map((g) => g.seq),
      [1, 6],
      'latest wins',
    );
    assert.equal(s.dropped(4).backpressure, 4);
    assert.equal(
      await probe.value('adeline_frames_dropped_total', { source_id: 4, reason: 'backpressure' }),
      4,
    );
    await s.stop();
  });

  it('counts frames replaced while waiting for the max_fps turn as max_fps', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(2, clock);
    const src = new FakeSource(5, true);
    const s = new FrameLoop({ sources: [{ source: src }], maxFps: 2, ...pipe, clock });
    s.start();
    for (let i = 0; i < 20; i++) {
      src.emit(1); // a 10 fps camera
      await settle();
      clock.advance(100);
      await settle();
    }
    assert.ok(
      pipe.got.length >= 4 && pipe.got.length <= 5,
      `took ${pipe.got.length} of 20 frames at 2 fps over 2 s`,
    );
    const d = s.dropped(5);
    assert.equal(
      d.max_fps + pipe.got.length,
      20,
      `every frame is taken or dropped (${JSON.stringify(d)})`,
    );
    assert.equal(d.backpressure, 0);
    assert.equal(
      await probe.value('adeline_frames_dropped_total', { source_id: 5, reason: 'max_fps' }),
      d.max_fps,
    );
    await s.stop();
  });

  it('drops live frames as paused while paused and delivers the freshest after resume', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock);
    const src = new FakeSource(6, true);
    const s = new FrameLoop({ sources: [{ source: src }], maxFps: 0, ...pipe, clock });
    s.start();
    src.emit(1);
    await settle();
    s.pause();
    await settle();
    src.emit(4);
    await settle();
    assert.equal(pipe.got.length, 1, 'nothing processed while paused');
    assert.equal(s.sourceStatus(6).state, 'paused');
    s.resume();
    await settle();
    assert.deepEqual(
      pipe.got.map((g) => g.seq),
      [1, 5],
    );
    assert.equal(s.dropped(6).paused, 3);
    assert.equal(
      await probe.value('adeline_frames_dropped_total', { source_id: 6, reason: 'paused' }),
      3,
    );
    await s.stop();
  });

  it('releases a frame the pipeline rejects, gives its slot back and counts it as error', async () => {
    const clock = new ManualClock();
    const pipe = new FakePipeline(1, clock);
    const src = new FakeSource(8, false);
    src.emit(3);
    src.end();
    let calls = 0;
    const s = new FrameLoop({
      sources: [{ source: src }],
      maxFps: 0,
      ...pipe,
      handler: {
        process: (f) => {
          if (++calls === 2) throw new Error('boom');
          return pipe.process(f);
        },
      },
      clock,
    });
    s.start();
    await s.done();
    assert.deepEqual(
      pipe.got.map((g) => g.seq),
      [1, 3],
    );
    assert.equal(s.dropped(8).error, 1);
    assert.equal(s.inFlight(), 0);
  });
});

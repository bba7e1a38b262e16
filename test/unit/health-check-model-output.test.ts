import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { AdelineError } from '../../src/domain/errors.js';
import { ModelOutputCheck, type ModelOutputCheckOptions } from '../../src/health/index.js';
import type { FrameLoopMode } from '../../src/health/checks/frame-heartbeat.js';
import { RunStats } from '../../src/pipeline/run-stats.js';
import { captureLogs, EPOCH } from './health-fakes.js';

/** A model-output check over a real RunStats, fed frames by hand, with a hand-driven clock. */
function rig(o: Partial<ModelOutputCheckOptions> = {}) {
  const stats = new RunStats(1);
  let t = EPOCH;
  let mode: FrameLoopMode = 'running';
  let lastAt: number | null = null;
  const logs = captureLogs();
  const check = new ModelOutputCheck({
    counts: () => ({ ...stats.modelOutput, lastFrameAtMs: lastAt }),
    emptyFrames: 5,
    confidence: 0.25,
    mode: () => mode,
    idleAfterMs: 2000,
    intervalMs: 1000,
    now: () => t,
    logger: logs.logger,
    ...o,
  });
  return {
    check,
    logs,
    /** One frame per argument: a number of plausible detections, or an array of confidences. */
    frames: (...dets: Array<number | number[]>) => {
      for (const d of dets)
        stats.decoded(
          (typeof d === 'number' ? Array<number>(d).fill(0.6) : d).map((confidence) => ({
            confidence,
          })),
        );
      lastAt = t;
    },
    setMode: (m: FrameLoopMode) => (mode = m),
    advance: (ms: number) => (t += ms),
    events: () => logs.lines.map((l) => l.event),
  };
}

describe('model_output health check', () => {
  it('goes degraded after N frames in a row with no detection, naming the likely causes', async () => {
    const r = rig();
    r.frames(0, 0, 0, 0);
    assert.equal((await r.check.run()).status, 'healthy', '4 empty frames < 5');
    r.frames(0);
    const out = await r.check.run();
    assert.equal(out.status, 'degraded');
    for (const cause of ['models.preprocess', 'models.confidence 0.25', 'labels', '--probe'])
      assert.ok(out.message.includes(cause), `message names ${cause}: ${out.message}`);
    assert.match(out.message, /empty_frames to 0/);
    assert.deepEqual(out.details, {
      frames: 5,
      frames_since_detection: 5,
      saturated_frames: 0,
      empty_frames_limit: 5,
      saturated_frames_limit: 5,
      fault: 'blind',
    });
  });

  it('logs model_output_degraded naming the check once per episode, and recovers when detections return', async () => {
    const r = rig();
    r.frames(0, 0, 0, 0, 0, 0);
    await r.check.run();
    r.frames(0, 0);
    await r.check.run();
    const empty = r.logs.lines.filter((l) => l.event === 'model_output_degraded');
    assert.equal(empty.length, 1, 'logged once while it stays degraded');
    assert.equal(empty[0]!.check, 'model_output');
    assert.equal(empty[0]!.level, 40, 'a warning');
    assert.match(String(empty[0]!.msg), /health check model_output: no detection/);
    r.frames(3);
    const back = await r.check.run();
    assert.equal(back.status, 'healthy');
    assert.equal(back.message, 'the latest frame had detections with plausible scores');
    assert.deepEqual(r.events(), ['model_output_degraded', 'model_output_recovered']);
  });

  it('counts the streak from the last frame with a detection, not from the start', async () => {
    const r = rig();
    r.frames(0, 0, 0, 0, 2, 0, 0, 0, 0);
    const out = await r.check.run();
    assert.equal(out.status, 'healthy');
    assert.equal(out.message, 'last detection 4 frames ago');
  });

  it('is not degraded while paused, ended or waiting, nor when no frame was processed recently', async () => {
    const r = rig();
    r.frames(0, 0, 0, 0, 0, 0, 0);
    for (const m of ['paused', 'ended', 'waiting'] as const) {
      r.setMode(m);
      const out = await r.check.run();
      assert.equal(out.status, 'healthy', m);
      assert.match(out.message, /not judged/);
    }
    r.setMode('running');
    assert.equal((await r.check.run()).status, 'degraded', 'judged again once frames flow');
    r.advance(2001);
    const idle = await r.check.run();
    assert.deepEqual(
      [idle.status, idle.message],
      ['healthy', 'no frame processed recently: not judged'],
    );
    assert.deepEqual(r.events(), ['model_output_degraded'], 'a pause is not a recovery');
  });

  it('goes degraded when scores are pinned at 1 for N frames in a row (input out of range), and recovers', async () => {
    const r = rig();
    const pinned = [1, 0.999, 1, 0.995, 1, 1, 1, 1, 1, 0.4]; // 90 % at >= 0.99
    r.frames(pinned, pinned, pinned, pinned);
    assert.equal((await r.check.run()).status, 'healthy', '4 saturated frames < 5');
    r.frames(pinned);
    const out = await r.check.run();
    assert.equal(out.status, 'degraded');
    assert.equal(out.details?.fault, 'saturated');
    assert.match(out.message, /scores pinned at 1 in the last 5 processed frames/);
    assert.match(out.message, /models\.preprocess\.scale/);
    const line = r.logs.lines.find((l) => l.event === 'model_output_degraded');
    assert.deepEqual([line?.check, line?.fault], ['model_output', 'saturated']);
    r.frames([0.9, 0.6, 0.99, 0.3]);
    assert.equal((await r.check.run()).status, 'healthy', 'one plausible frame ends the run');
    assert.deepEqual(r.events(), ['model_output_degraded', 'model_output_recovered']);
  });

  it('does not call a frame saturated when fewer than 90 % of its scores are pinned', async () => {
    const r = rig({ saturatedFrames: 2 });
    const mostly = [1, 1, 1, 1, 1, 1, 1, 1, 0.8, 0.7]; // 80 %
    r.frames(mostly, mostly, mostly);
    const out = await r.check.run();
    assert.equal(out.status, 'healthy');
    assert.equal(out.details?.saturated_frames, 0);
  });

  it('is not judged before the first frame', async () => {
    const out = await rig().check.run();
    assert.equal(out.status, 'healthy');
  });

  it('is off with empty_frames 0, for scenes that are legitimately empty', async () => {
    const r = rig({ emptyFrames: 0, saturatedFrames: 0 });
    r.frames(...Array<number>(1000).fill(0), ...Array<number[]>(10).fill([1, 1, 1]));
    const out = await r.check.run();
    assert.deepEqual(
      [out.status, out.message],
      ['healthy', 'off (health.model_output.empty_frames and saturated_frames are 0)'],
    );
    const emptyOff = rig({ emptyFrames: 0, saturatedFrames: 5 });
    emptyOff.frames(...Array<number>(1000).fill(0));
    const still = await emptyOff.check.run();
    assert.equal(still.status, 'healthy', 'an empty scene with empty_frames 0');
    emptyOff.frames(...Array<number[]>(5).fill([1, 1]));
    assert.equal((await emptyOff.check.run()).status, 'degraded', 'saturation is still judged');
  });

  it('rejects bad options with TypeError or RangeError naming the option', () => {
    const base: ModelOutputCheckOptions = {
      counts: () => ({
        frames: 0,
        framesSinceDetection: 0,
        saturatedFrames: 0,
        lastFrameAtMs: null,
      }),
      emptyFrames: 5,
      confidence: 0.25,
      intervalMs: 1000,
    };
    const bad: Array<[Partial<ModelOutputCheckOptions>, ErrorConstructor, RegExp]> = [
      [{ emptyFrames: -1 }, RangeError, /emptyFrames/],
      [{ emptyFrames: 2.5 }, RangeError, /emptyFrames must be a whole number/],
      [{ emptyFrames: Number.NaN }, TypeError, /emptyFrames/],
      [{ saturatedFrames: -3 }, RangeError, /saturatedFrames/],
      [{ saturatedFrames: 0.5 }, RangeError, /saturatedFrames must be a whole number/],
      [{ emptyFrames: '300' as unknown as number }, TypeError, /emptyFrames must be a number/],
      [{ counts: 'x' as unknown as ModelOutputCheckOptions['counts'] }, TypeError, /counts/],
      [{ intervalMs: 0 }, RangeError, /intervalMs/],
      [{ idleAfterMs: -5 }, RangeError, /idleAfterMs/],
      [{ name: 'bad name!' }, RangeError, /name/],
    ];
    for (const [o, type, msg] of bad)
      assert.throws(
        () => new ModelOutputCheck({ ...base, ...o }),
        (e: Error) => {
          assert.ok(e instanceof type, `${JSON.stringify(o)} throws ${type.name}, got ${e.name}`);
          assert.match(e.message, msg);
          return true;
        },
      );
  });
});

describe('RunStats model output counts', () => {
  it('counts decoded frames, the frames since the last detection and the saturated frames in a row', () => {
    const s = new RunStats(1);
    const dets = (...c: number[]) => c.map((confidence) => ({ confidence }));
    assert.deepEqual(s.modelOutput, {
      frames: 0,
      framesSinceDetection: 0,
      saturatedFrames: 0,
      lastFrameAtMs: null,
    });
    s.decoded([]);
    s.decoded([]);
    assert.equal(s.modelOutput.framesSinceDetection, 2);
    s.decoded(dets(0.5));
    assert.equal(s.modelOutput.framesSinceDetection, 0);
    s.decoded([]);
    assert.deepEqual([s.modelOutput.frames, s.modelOutput.framesSinceDetection], [4, 1]);
    assert.ok(s.modelOutput.lastFrameAtMs !== null);
    s.decoded(dets(1, 0.99));
    s.decoded(dets(1, 1, 1, 1, 1, 1, 1, 1, 1, 0.2));
    assert.equal(s.modelOutput.saturatedFrames, 2, 'pinned scores count in a row');
    s.decoded([]);
    assert.equal(s.modelOutput.saturatedFrames, 0, 'an empty frame is not saturated');
  });
});

describe('health.model_output.empty_frames config', () => {
  it('defaults to 300 frames and takes 0 (off) or a whole number from flags and env', () => {
    assert.deepEqual(loadConfig({ env: {} }).config.health.model_output, {
      empty_frames: 300,
      saturated_frames: 300,
    });
    const off = loadConfig({ env: {}, overrides: { 'health.model_output.empty_frames': 0 } });
    assert.equal(off.config.health.model_output.empty_frames, 0);
    const env = loadConfig({ env: { ADELINE_HEALTH__MODEL_OUTPUT__EMPTY_FRAMES: '25' } });
    assert.equal(env.config.health.model_output.empty_frames, 25);
  });

  it('rejects a negative, fractional or non-numeric frame count, naming the key', () => {
    for (const key of ['empty_frames', 'saturated_frames'])
      for (const v of [-1, 2.5, 'lots']) {
        assert.throws(
          () => loadConfig({ env: {}, overrides: { [`health.model_output.${key}`]: v } }),
          (e: Error) => {
            assert.ok(e instanceof AdelineError, String(e));
            assert.equal(e.code, 'ADELINE_ERR_CONFIG');
            assert.ok(e.message.includes(`health.model_output.${key}`), e.message);
            return true;
          },
          `${key} ${String(v)}`,
        );
      }
  });
});

import assert from 'node:assert/strict';
import {
  cappedFps,
  checkMaxFps,
  frameIntervalMs,
  MAX_FPS_LIMIT,
} from '../../src/domain/frame-rate.js';
import { PipelineSchema } from '../../src/config/sections/pipeline.js';
import { SourceSchema } from '../../src/config/source-schema.js';

describe('frame rate caps: one range check and one cap formula', () => {
  it('accepts caps from 0 (no cap) to MAX_FPS_LIMIT', () => {
    for (const v of [0, 0.5, 30, MAX_FPS_LIMIT]) assert.equal(checkMaxFps(v), v);
  });

  it('rejects a negative, too large or non-number cap, naming the option', () => {
    assert.throws(
      () => checkMaxFps(-1, 'pipeline.max_fps'),
      /pipeline\.max_fps must be in 0\.\.1000/,
    );
    assert.throws(() => checkMaxFps(MAX_FPS_LIMIT + 1), RangeError);
    assert.throws(() => checkMaxFps(Number.NaN), TypeError);
    assert.throws(() => checkMaxFps('5', 'maxFps'), /maxFps must be a number, got string/);
  });

  it('config rejects the same range as the frame loop', () => {
    const ok = (v: number) => PipelineSchema.safeParse({ max_fps: v }).success;
    const okSource = (v: number) =>
      SourceSchema.safeParse({ url: 'synthetic:', max_fps: v }).success;
    for (const v of [-1, 0, MAX_FPS_LIMIT, MAX_FPS_LIMIT + 1]) {
      const inRange = v >= 0 && v <= MAX_FPS_LIMIT;
      assert.equal(ok(v), inRange, `pipeline.max_fps ${v}`);
      assert.equal(okSource(v), inRange, `pipeline.sources[].max_fps ${v}`);
    }
  });

  it('gives the rate a capped source delivers at', () => {
    assert.equal(cappedFps(5, 25), 5, 'the cap below the nominal rate');
    assert.equal(cappedFps(30, 25), 25, 'the nominal rate below the cap');
    assert.equal(cappedFps(5, null), 5, 'the cap when the nominal rate is unknown');
    assert.equal(cappedFps(0, 25), 25, 'the nominal rate when uncapped');
    assert.equal(cappedFps(0, null), null, 'nothing known');
    assert.equal(cappedFps(5, 0), null, 'a source that reports 0 fps');
  });

  it('turns a rate into a frame interval, none for no rate', () => {
    assert.equal(frameIntervalMs(4), 250);
    assert.equal(frameIntervalMs(0), null);
    assert.equal(frameIntervalMs(null), null);
  });
});

import assert from 'node:assert/strict';
import {
  SyntheticScene,
  type SceneOptions,
  type TruthBox,
} from '../../src/source/synthetic/scene.js';

const base: SceneOptions = {
  width: 640,
  height: 480,
  fps: 15,
  seed: 42,
  maxFigures: 3,
  fallProbability: 0.5,
};

function run(opts: SceneOptions, frames: number): { bytes: Uint8Array[]; truth: TruthBox[][] } {
  const scene = new SyntheticScene(opts);
  const bytes: Uint8Array[] = [];
  const truth: TruthBox[][] = [];
  for (let i = 0; i < frames; i++) {
    if (i > 0) scene.step();
    const buf = new Uint8Array(opts.width * opts.height * 3);
    scene.renderInto(buf);
    bytes.push(buf);
    truth.push(scene.truth());
  }
  return { bytes, truth };
}

describe('SyntheticScene', () => {
  it('renders identical bytes and ground truth for the same seed', () => {
    const a = run(base, 40);
    const b = run(base, 40);
    for (let i = 0; i < 40; i++)
      assert.ok(Buffer.from(a.bytes[i]!).equals(b.bytes[i]!), `frame ${i}`);
    assert.deepEqual(a.truth, b.truth);
  });

  it('renders different frames for a different seed', () => {
    const a = run(base, 5);
    const b = run({ ...base, seed: 43 }, 5);
    assert.ok(!Buffer.from(a.bytes[4]!).equals(b.bytes[4]!));
  });

  it('gives the same ground truth whether or not the frame was rendered', () => {
    const rendered = run(base, 60).truth;
    const scene = new SyntheticScene(base);
    const unrendered: TruthBox[][] = [];
    for (let i = 0; i < 60; i++) {
      if (i > 0) scene.step();
      unrendered.push(scene.truth());
    }
    assert.deepEqual(unrendered, rendered);
  });

  it('lets figures enter, leave and fall over a long run, with tall standing and wide fallen boxes', () => {
    const scene = new SyntheticScene(base);
    const seen = new Set<object>();
    let standing = 0;
    let tallStanding = 0;
    let fallen = 0;
    let wideFallen = 0;
    for (let i = 0; i < 3000; i++) {
      scene.step();
      for (const f of scene.figures()) seen.add(f);
      for (const t of scene.truth()) {
        const w = t.box.x2 - t.box.x1;
        const h = t.box.y2 - t.box.y1;
        assert.equal(t.className, t.classId === 0 ? 'person' : 'fallen_person');
        if (t.classId === 0) {
          standing++;
          if (h > w) tallStanding++;
        } else {
          fallen++;
          if (w > h) wideFallen++;
        }
      }
      assert.ok(scene.figures().length <= base.maxFigures);
    }
    assert.ok(seen.size > 10, `only ${seen.size} figures visited in 200 s`);
    assert.ok(fallen > 0, 'no fallen_person box in 3000 frames');
    assert.ok(standing > 0, 'no person box in 3000 frames');
    assert.ok(tallStanding / standing > 0.9, `${tallStanding}/${standing} person boxes are tall`);
    assert.ok(wideFallen / fallen > 0.9, `${wideFallen}/${fallen} fallen boxes are wide`);
  });

  it('keeps every ground-truth box inside the frame and at least 4 pixels on each side', () => {
    const { truth } = run({ ...base, width: 320, height: 240, maxFigures: 6 }, 400);
    let boxes = 0;
    for (const frame of truth) {
      for (const { box } of frame) {
        boxes++;
        assert.ok(
          box.x1 >= 0 && box.y1 >= 0 && box.x2 <= 320 && box.y2 <= 240,
          JSON.stringify(box),
        );
        assert.ok(box.x2 - box.x1 >= 4 && box.y2 - box.y1 >= 4, JSON.stringify(box));
      }
    }
    assert.ok(boxes > 100);
  });

  it('shows no figure when maxFigures is 0', () => {
    const { truth } = run({ ...base, maxFigures: 0 }, 100);
    assert.equal(truth.flat().length, 0);
  });

  it('renders a 640x480 frame in well under 3 ms', () => {
    const scene = new SyntheticScene({ ...base, maxFigures: 5 });
    const buf = new Uint8Array(640 * 480 * 3);
    for (let i = 0; i < 20; i++) scene.renderInto(buf);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      scene.step();
      scene.renderInto(buf);
    }
    const ms = (performance.now() - t0) / 200;
    assert.ok(ms < 3, `${ms.toFixed(2)} ms per frame`);
  });

  it('rejects out-of-range options with a RangeError naming the option', () => {
    const bad: [Partial<SceneOptions>, RegExp][] = [
      [{ width: 0 }, /width/],
      [{ height: 5000 }, /height/],
      [{ fps: -1 }, /fps/],
      [{ seed: 1.5 }, /seed/],
      [{ maxFigures: 100 }, /maxFigures/],
      [{ fallProbability: 2 }, /fallProbability/],
    ];
    for (const [patch, re] of bad) {
      assert.throws(
        () => new SyntheticScene({ ...base, ...patch }),
        (e: Error) => e instanceof RangeError && re.test(e.message),
      );
    }
  });

  it('rejects options of the wrong type with a TypeError', () => {
    const opts = { ...base, width: '640' } as unknown as SceneOptions;
    assert.throws(
      () => new SyntheticScene(opts),
      (e: Error) => e instanceof TypeError && /width/.test(e.message),
    );
  });

  it('rejects a buffer too small for the frame', () => {
    const scene = new SyntheticScene(base);
    assert.throws(() => scene.renderInto(new Uint8Array(100)), RangeError);
  });
});

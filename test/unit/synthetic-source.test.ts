import assert from 'node:assert/strict';
import type { Frame } from '../../src/domain/frame.js';
import { SyntheticScene } from '../../src/source/synthetic/scene.js';
import {
  SyntheticSource,
  type SyntheticSourceOptions,
} from '../../src/source/synthetic/synthetic-source.js';
import { waitFor } from '../helpers/wait.js';

const base: SyntheticSourceOptions = {
  id: 3,
  width: 160,
  height: 120,
  fps: 15,
  seed: 7,
  maxFigures: 3,
  fallProbability: 0.5,
  live: false,
};

async function take(src: SyntheticSource): Promise<Frame> {
  const f = await src.next();
  assert.ok(f, 'expected a frame');
  return f;
}

describe('SyntheticSource', () => {
  let sources: SyntheticSource[] = [];
  const make = (patch: Partial<SyntheticSourceOptions> = {}): SyntheticSource => {
    const s = new SyntheticSource({ ...base, ...patch });
    sources.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of sources) await s.stop();
    sources = [];
  });

  it('delivers the scene frame by frame on demand, seq from 1, with its ground truth', async () => {
    const src = make();
    await src.start();
    const scene = new SyntheticScene(base);
    const expected = new Uint8Array(160 * 120 * 3);
    for (let seq = 1; seq <= 20; seq++) {
      const f = await take(src);
      if (seq > 1) scene.step();
      scene.renderInto(expected);
      assert.equal(f.seq, seq);
      assert.equal(f.sourceId, 3);
      assert.equal(f.width, 160);
      assert.equal(f.height, 120);
      assert.ok(Buffer.from(f.data).equals(expected), `frame ${seq} bytes`);
      assert.deepEqual(src.truthOf(seq), scene.truth());
      assert.ok(f.decodeStartMs <= f.capturedAtMs);
      f.release();
    }
    assert.equal(src.status().framesRead, 20);
    assert.equal(src.status().state, 'delivering');
  });

  it('gives identical frames for the same seed and different ones for another seed', async () => {
    const a = make();
    const b = make();
    const c = make({ seed: 8 });
    for (let i = 0; i < 10; i++) {
      const [fa, fb, fc] = [await take(a), await take(b), await take(c)];
      assert.ok(Buffer.from(fa.data).equals(fb.data));
      assert.deepEqual(a.truthOf(fa.seq), b.truthOf(fb.seq));
      if (i === 9) assert.ok(!Buffer.from(fa.data).equals(fc.data));
      for (const f of [fa, fb, fc]) f.release();
    }
  });

  it('reuses released buffers and grows the pool only while every buffer is held', async () => {
    const src = make();
    const seen = new Set<Uint8Array>();
    for (let i = 0; i < 30; i++) {
      const f = await take(src);
      seen.add(f.data);
      f.release();
    }
    assert.equal(seen.size, 1);
    const held = [await take(src), await take(src)];
    for (let i = 0; i < 30; i++) {
      const f = await take(src);
      seen.add(f.data);
      held.push(f);
      held.shift()!.release();
    }
    assert.equal(seen.size, 3);
  });

  it('releases a buffer only once even when release() is called twice', async () => {
    const src = make();
    const f = await take(src);
    f.release();
    f.release();
    const [g, h] = [await take(src), await take(src)];
    assert.notEqual(g.data, h.data);
  });

  it('forgets the ground truth of frames older than truthHistory', async () => {
    const src = make({ truthHistory: 5 });
    for (let i = 0; i < 12; i++) (await take(src)).release();
    assert.equal(src.truthOf(7), undefined);
    assert.ok(src.truthOf(8));
    assert.ok(src.truthOf(12));
  });

  it('keeps only the latest untaken live frame and reports each replaced one through onDrop', async () => {
    const src = make({ live: true, fps: 200 });
    let drops = 0;
    src.onDrop = () => drops++;
    assert.equal(src.status().state, 'connecting');
    await src.start();
    await waitFor(() => src.status().framesRead >= 8, { what: '8 live frames' });
    const f = await take(src);
    assert.equal(f.seq, src.status().framesRead, 'next() returns the latest frame');
    assert.equal(drops, f.seq - 1);
    f.release();
    const g = await take(src);
    assert.ok(g.seq > f.seq);
    assert.equal(drops, g.seq - 2, 'no drop is counted for a frame handed to a waiting next()');
    assert.equal(src.nominalFps(), 200);
    g.release();
  });

  it('reads paused while the frame loop pauses it, backpressured when frames go untaken, delivering when taken', async () => {
    const src = make({ live: true, fps: 200, stallMinMs: 200 });
    src.setPaused(true);
    await src.start();
    assert.equal(src.status().state, 'paused');
    await waitFor(() => src.status().framesRead >= 3, { what: '3 live frames' });
    assert.equal(src.status().state, 'paused');
    src.setPaused(false);
    await waitFor(() => src.status().state === 'backpressured', { what: 'backpressured' });
    (await take(src)).release();
    assert.equal(src.status().state, 'delivering');
  });

  it('resolves a pending next() with null on stop, and stops idempotently', async () => {
    const src = make({ live: true, fps: 0.1 });
    await src.start();
    (await take(src)).release(); // the first frame is produced at start
    const pending = src.next();
    await src.stop();
    assert.equal(await pending, null);
    await src.stop();
    assert.equal(await src.next(), null);
    assert.equal(src.status().state, 'ended');
  });

  it('survives an onDrop hook that throws', async () => {
    const src = make({ live: true, fps: 200 });
    src.onDrop = () => {
      throw new Error('boom');
    };
    await src.start();
    await waitFor(() => src.status().framesRead >= 4, { what: '4 live frames' });
    assert.ok((await take(src)).seq >= 4);
  });

  it('rejects bad options with an error naming the option', () => {
    const bad: [Partial<SyntheticSourceOptions>, RegExp][] = [
      [{ width: 0 }, /width/],
      [{ fps: -5 }, /fps/],
      [{ maxFigures: 100 }, /maxFigures/],
      [{ id: -1 }, /id/],
      [{ truthHistory: 0 }, /truthHistory/],
    ];
    for (const [patch, re] of bad) {
      assert.throws(
        () => new SyntheticSource({ ...base, ...patch }),
        (e: Error) => e instanceof RangeError && re.test(e.message),
      );
    }
    const notBool = { ...base, live: 'yes' } as unknown as SyntheticSourceOptions;
    assert.throws(
      () => new SyntheticSource(notBool),
      (e: Error) => e instanceof TypeError && /live/.test(e.message),
    );
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Frame } from '../../src/domain/frame.js';
import { READ_BUFFER_BYTES } from '../../src/source/ffmpeg/socket-pair.js';
import { FfmpegSource } from '../../src/source/ffmpeg/ffmpeg-source.js';
import { FrameLoop } from '../../src/pipeline/frame-loop.js';
import { stopAll } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { decodeAll, ffmpegChildren, H, makeVideo, W } from './ffmpeg-fixtures.js';

/** Takes and releases frames until the source ends; returns how many. */
async function drain(src: FfmpegSource): Promise<number> {
  let n = 0;
  for (let f = await src.next(); f; f = await src.next()) {
    n++;
    f.release();
  }
  return n;
}

/** A pipeline with `slots` slots that finishes each frame at once. */
function pipeline(slots: number) {
  const frames: Frame[] = [];
  return {
    frames,
    maxInFlight: slots,
    handler: {
      process: (f: Frame) => {
        frames.push({ ...f, data: f.data.slice(0, 3) } as Frame);
        f.release();
        return new Promise<void>((r) => setImmediate(r));
      },
    },
  };
}

describe('ffmpeg file source (real ffmpeg)', function () {
  this.timeout(30_000);
  let clip: string;
  let golden: Buffer;
  before(() => {
    clip = makeVideo('clip.mp4', 2, 10);
    golden = decodeAll(clip);
  });
  after(() => stopAll());

  it('reads every frame in order with the right size and pixels, then ends cleanly', async () => {
    const src = new FfmpegSource({ id: 2, url: clip });
    await src.start();
    assert.equal(src.nominalFps(), 10);
    assert.deepEqual(src.probe(), { width: W, height: H, fps: 10 });
    const frameBytes = W * H * 3;
    const buffers = new Set<ArrayBufferLike>();
    let n = 0;
    for (let f = await src.next(); f; f = await src.next()) {
      n++;
      assert.equal(f.seq, n);
      assert.equal(f.sourceId, 2);
      assert.deepEqual([f.width, f.height, f.data.length], [W, H, frameBytes]);
      assert.ok(f.decodeStartMs <= f.capturedAtMs);
      const want = golden.subarray((n - 1) * frameBytes, n * frameBytes);
      assert.ok(
        Buffer.from(f.data.buffer, f.data.byteOffset, f.data.length).equals(want),
        `frame ${n} pixels match ffmpeg's own decode`,
      );
      buffers.add(f.data.buffer);
      f.release();
    }
    assert.equal(n, 20, 'exactly 2 s × 10 fps');
    assert.equal(golden.length, 20 * frameBytes);
    // One socket read (READ_BUFFER_BYTES) may hold several of these small frames, all handed on
    // at once; beyond that burst, buffers come back from the pool.
    const burst = Math.ceil(READ_BUFFER_BYTES / frameBytes);
    assert.ok(
      buffers.size <= 2 + burst && buffers.size < 20,
      `pixel buffers are reused (${buffers.size} distinct for 20 frames, read bursts of up to ${burst})`,
    );
    assert.equal(await src.next(), null, 'next() stays null after the end');
    const st = src.status();
    assert.deepEqual([st.state, st.framesRead], ['ended', 20]);
    await src.stop();
    await src.stop();
  });

  it('runs ffmpeg with -threads N before -i when decoderThreads is set, and reads every frame', async () => {
    const src = new FfmpegSource({ id: 3, url: clip, decoderThreads: 1 });
    try {
      await src.start();
      const first = await src.next();
      assert.equal(first?.seq, 1);
      const args = ffmpegChildren()
        .filter((c) => c.stat[0] !== 'Z')
        .map((c) => readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0'))
        .find((a) => a.includes('image2pipe'));
      assert.ok(args, 'the decoding ffmpeg is running');
      assert.deepEqual(args.slice(args.indexOf('-threads'), args.indexOf('-threads') + 2), [
        '-threads',
        '1',
      ]);
      assert.ok(args.indexOf('-threads') < args.indexOf('-i'));
      first?.release();
      assert.equal(1 + (await drain(src)), 20);
    } finally {
      await src.stop();
    }
  });

  it('restarts at end of file when loop is set, numbering frames on', async () => {
    const src = new FfmpegSource({ id: 0, url: clip, loop: true });
    await src.start();
    let last = 0;
    for (let i = 0; i < 45; i++) {
      const f = await src.next();
      assert.ok(f, `frame ${i + 1}`);
      assert.equal(f.seq, last + 1);
      last = f.seq;
      f.release();
    }
    assert.equal(src.status().state, 'delivering');
    await src.stop();
    assert.equal(await src.next(), null);
  });

  it('holds the decoder back while nobody asks: backpressured, not stalled, and nothing is lost', async () => {
    const src = new FfmpegSource({ id: 1, url: clip, stallMinMs: 300, stallFactor: 1 });
    try {
      await src.start();
      const first = await src.next();
      assert.equal(first?.seq, 1);
      await waitFor(() => src.status().state === 'backpressured', {
        timeoutMs: 5000,
        what: 'backpressured',
      });
      // Paused once the handoff holds its read-ahead frame: the frame taken, that one, and the
      // rest of the socket read that carried it (one READ_BUFFER_BYTES read, parsed whole).
      const limit = 2 + Math.ceil(READ_BUFFER_BYTES / (W * H * 3));
      assert.ok(
        src.status().framesRead <= limit && src.status().framesRead < 20,
        `the decoder was paused after ${src.status().framesRead} frames (at most ${limit})`,
      );
      assert.notEqual(src.status().state, 'stalled');
      assert.equal(1 + (await drain(src)), 20);
    } finally {
      await src.stop();
    }
  });

  it('paces a file at max_fps through the frame loop, and runs unpaced at max_fps 0', async () => {
    const timed = async (maxFps: number) => {
      const src = new FfmpegSource({ id: 0, url: clip });
      await src.start();
      const p = pipeline(2);
      let ended = false;
      const s = new FrameLoop({
        sources: [{ source: src }],
        maxFps,
        ...p,
        onEnded: () => (ended = true),
      });
      const t0 = performance.now();
      s.start();
      await s.done();
      const ms = performance.now() - t0;
      await src.stop();
      assert.ok(ended);
      assert.deepEqual(
        p.frames.map((f) => f.seq),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      return ms;
    };
    const paced = await timed(20);
    const free = await timed(0);
    assert.ok(paced >= 19 * 50 - 20, `20 frames at 20 fps took ${paced.toFixed(0)} ms (>= 930)`);
    assert.ok(
      free < paced / 2,
      `unpaced took ${free.toFixed(0)} ms vs paced ${paced.toFixed(0)} ms`,
    );
  });

  it('runs two file sources at once, each with its own source id, and ends after both', async () => {
    const other = makeVideo('other.mp4', 1, 10);
    const a = new FfmpegSource({ id: 3, url: clip });
    const b = new FfmpegSource({ id: 7, url: other });
    await Promise.all([a.start(), b.start()]);
    const p = pipeline(1);
    let ended = 0;
    const s = new FrameLoop({
      sources: [{ source: a }, { source: b }],
      maxFps: 0,
      ...p,
      onEnded: () => ended++,
    });
    s.start();
    await s.done();
    const seqs = (id: number) => p.frames.filter((f) => f.sourceId === id).map((f) => f.seq);
    assert.deepEqual(
      seqs(3),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      seqs(7),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    assert.ok(
      new Set(p.frames.slice(0, 6).map((f) => f.sourceId)).size === 2,
      'both sources are served from the start',
    );
    assert.equal(ended, 1);
    await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg child (or zombie) is left');
  });
});

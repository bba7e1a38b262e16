/**
 * ffmpeg's stdout is a Unix socket read into one reused buffer (socket-pair.ts): the bytes arrive
 * whole and in order, ffmpeg really writes to a socket, a session that cannot make the pair falls
 * back to a pipe (and says so once), and a session killed before it spawned leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readlinkSync } from 'node:fs';
import type { Frame } from '../../src/domain/frame.js';
import { buildFfmpegArgs } from '../../src/source/ffmpeg/ffmpeg-args.js';
import { FfmpegSession, type SessionOptions } from '../../src/source/ffmpeg/ffmpeg-session.js';
import { openSocketPair, READ_BUFFER_BYTES } from '../../src/source/ffmpeg/socket-pair.js';
import { FrameHandoff } from '../../src/source/frame-handoff.js';
import { FramePool, PooledFrame } from '../../src/source/frame-pool.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { captureLogs } from '../helpers/log-capture.js';
import { stopAll } from '../helpers/processes.js';
import { W, H, makeVideo } from './ffmpeg-fixtures.js';

/** A session on `clip` whose frames are collected (non-live: every frame, in order). */
function session(clip: string, extra: Partial<SessionOptions> = {}) {
  const pool = new FramePool();
  const frames: Frame[] = [];
  let seq = 0;
  const handoff = new FrameHandoff(false, {
    drop: () => {},
    demand: () => s.pump(),
    ready: () => {},
  });
  const s = new FfmpegSession({
    bin: 'ffmpeg',
    args: buildFfmpegArgs({
      kind: 'file',
      target: clip,
      realtime: false,
      ioTimeoutMs: 5000,
      analyzeMs: 1000,
      rtspTransport: 'tcp',
      decoderThreads: 0,
    }),
    handoff,
    pool,
    makeFrame: (data, w, h, t) => new PooledFrame(pool, 0, ++seq, w, h, data, t, t),
    onFrame: () => {},
    dataTimeoutMs: null,
    ...extra,
  });
  /** Takes every frame until the session ends (nothing is taken before it is called). */
  const drain = async () => {
    for (;;) {
      const f = await Promise.race([handoff.next(), s.done.then(() => null)]);
      if (!f) break;
      frames.push(f);
      f.release();
    }
  };
  return { s, frames, handoff, drain };
}

describe('ffmpeg stdout over a Unix socket (real ffmpeg)', function () {
  this.timeout(30_000);
  let clip: string;
  before(() => {
    clip = makeVideo('clip.mp4', 2, 10);
  });
  afterEach(() => configureLogger({ level: 'silent', pretty: 'never' }));
  after(() => stopAll());

  it('delivers every byte a child writes, in order, through one reused buffer', async () => {
    const hash = createHash('sha256');
    let bytes = 0;
    const views = new Set<ArrayBufferLike>();
    const pair = await openSocketPair((chunk) => {
      assert.ok(chunk.length <= READ_BUFFER_BYTES);
      views.add(chunk.buffer);
      hash.update(chunk);
      bytes += chunk.length;
    });
    // 8 MiB of a known pattern, written by a real child process to its stdout.
    const child = spawn('sh', ['-c', 'head -c 8388608 /dev/zero | tr "\\0" "a"'], {
      stdio: ['ignore', pair.childEnd, 'inherit'],
    });
    pair.childEnd.destroy();
    await Promise.all([once(child, 'exit'), once(pair.reader, 'close')]);
    assert.equal(bytes, 8 * 1024 * 1024);
    const want = createHash('sha256')
      .update(Buffer.alloc(8 * 1024 * 1024, 'a'))
      .digest('hex');
    assert.equal(hash.digest('hex'), want);
    assert.equal(views.size, 1, 'every read lands in the same buffer');
  });

  it('gives ffmpeg a socket as stdout and reads every frame of the file', async () => {
    const { s, frames, drain } = session(clip);
    // Nobody takes frames yet, so backpressure holds ffmpeg alive with its stdout open.
    const t0 = Date.now();
    while (s.pid === undefined && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 5));
    assert.ok(s.pid, 'ffmpeg started');
    assert.match(readlinkSync(`/proc/${s.pid}/fd/1`), /^socket:/, "ffmpeg's stdout is a socket");
    const [end] = await Promise.all([s.done, drain()]);
    assert.equal(end.kind, 'eof', end.message);
    assert.equal(frames.length, 20, '2 s × 10 fps, none lost at the end of the stream');
    assert.deepEqual([frames[0]!.width, frames[0]!.height], [W, H]);
  });

  it('falls back to a pipe when the socket pair cannot be made, and says so once', async () => {
    const lines = captureLogs();
    const failing = () => Promise.reject(new Error('EMFILE: too many open files'));
    for (let i = 0; i < 2; i++) {
      const { s, frames, drain } = session(clip, { openPair: failing });
      const [end] = await Promise.all([s.done, drain()]);
      assert.equal(end.kind, 'eof', end.message);
      assert.equal(frames.length, 20, `run ${i + 1}: every frame through the pipe`);
    }
    const warned = lines.filter((l) => l.event === 'ffmpeg_socket_fallback');
    assert.equal(warned.length, 1, 'one warning per process');
    assert.match(String(warned[0]!.msg), /EMFILE: too many open files/);
    assert.equal(warned[0]!.level, 'warn');
  });

  it('spawns nothing when killed before the pair is connected', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { s } = session(clip, {
      openPair: async (onBytes) => {
        await gate;
        return openSocketPair(onBytes);
      },
    });
    const killed = s.kill('killed', 'stopped');
    release();
    const end = await killed;
    assert.equal(end.kind, 'killed');
    assert.equal(s.pid, undefined, 'ffmpeg never started');
    await assert.rejects(s.firstFrame);
  });
});

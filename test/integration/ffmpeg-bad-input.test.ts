import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AdelineError, type ErrorCode } from '../../src/domain/errors.js';
import { FfmpegSource } from '../../src/source/ffmpeg/ffmpeg-source.js';
import { freePort, stopAll, tempDir, writeTemp } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { fastReconnect, ffmpegChildren, makeVideo, streamUrl } from './ffmpeg-fixtures.js';

async function rejects(
  p: Promise<unknown>,
  code: ErrorCode,
  ...mentions: string[]
): Promise<AdelineError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AdelineError, `expected AdelineError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const m of mentions)
      assert.ok(err.message.includes(m), `"${err.message}" should mention "${m}"`);
    assert.ok(!err.message.includes('\n    at '), 'no stack trace in the message');
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('ffmpeg source: bad input (real ffmpeg)', function () {
  this.timeout(30_000);
  const dir = tempDir('adeline-bad-');
  after(() => stopAll());

  it('rejects a nonexistent video path with SOURCE_NOT_FOUND naming the path and the fix', async () => {
    const path = join(dir, 'missing', 'nope.mp4');
    const src = new FfmpegSource({ id: 0, url: path });
    await rejects(
      src.start(),
      'ADELINE_ERR_SOURCE_NOT_FOUND',
      path,
      'does not exist',
      'pipeline.sources',
    );
    assert.equal(src.status().state, 'failed');
    assert.match(src.status().lastError ?? '', /does not exist/);
    assert.equal(await src.next(), null);
    await src.stop();
  });

  it('rejects a directory given as a video file', async () => {
    const d = join(dir, 'adir.mp4');
    mkdirSync(d);
    await rejects(
      new FfmpegSource({ id: 0, url: d }).start(),
      'ADELINE_ERR_SOURCE_NOT_FOUND',
      d,
      'directory',
    );
  });

  it("rejects a garbage file with SOURCE_DECODE and ffmpeg's reason", async () => {
    const junk = writeTemp(
      'junk.mp4',
      new Uint8Array(8192).map((_, i) => (i * 7919) % 251),
      dir,
    );
    await rejects(
      new FfmpegSource({ id: 0, url: junk }).start(),
      'ADELINE_ERR_SOURCE_DECODE',
      junk,
      'Invalid data',
    );
  });

  it('rejects a file with no video stream', async () => {
    const wav = join(dir, 'tone.wav');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=d=0.5',
      wav,
    ]);
    await rejects(
      new FfmpegSource({ id: 0, url: wav }).start(),
      'ADELINE_ERR_SOURCE_DECODE',
      'no video stream',
    );
  });

  it('rejects a missing ffmpeg binary with FFMPEG_MISSING naming it and how to install it', async () => {
    const clip = makeVideo('ok.mp4', 1, 10, dir);
    const src = new FfmpegSource({ id: 0, url: clip, ffmpegPath: '/nonexistent/bin/ffmpeg' });
    await rejects(
      src.start(),
      'ADELINE_ERR_FFMPEG_MISSING',
      '/nonexistent/bin/ffmpeg',
      'apt-get install ffmpeg',
    );
    const probeless = new FfmpegSource({ id: 0, url: clip, ffprobePath: '/nonexistent/ffprobe' });
    await rejects(probeless.start(), 'ADELINE_ERR_FFMPEG_MISSING', '/nonexistent/ffprobe');
  });

  it('reports an unreachable stream as reconnecting with SOURCE_UNREACHABLE, and keeps retrying', async () => {
    const port = await freePort();
    const src = new FfmpegSource({
      id: 4,
      url: streamUrl(port),
      reconnectPolicy: fastReconnect(4),
    });
    await src.start(); // the service keeps running and retries
    await waitFor(() => src.status().reconnects >= 2, {
      timeoutMs: 10_000,
      what: 'two reconnect attempts',
    });
    const st = src.status();
    assert.equal(st.state, 'reconnecting');
    assert.match(
      st.lastError ?? '',
      new RegExp(`cannot open stream http://127\\.0\\.0\\.1:${port}/live\\.ts: .*refused`, 'i'),
    );
    assert.equal(src.lastFailure()?.code, 'ADELINE_ERR_SOURCE_UNREACHABLE');
    await src.stop();
    assert.deepEqual(ffmpegChildren(), [], 'stop() leaves no ffmpeg process behind');
  });

  it('fails fast on an unreachable stream when asked (adeline run --frames), without leaking the password', async () => {
    const port = await freePort();
    const url = `http://viewer:hunter2@127.0.0.1:${port}/live.ts`;
    const src = new FfmpegSource({ id: 5, url, reconnectPolicy: fastReconnect(5), failFast: true });
    const err = await rejects(
      src.start(),
      'ADELINE_ERR_SOURCE_UNREACHABLE',
      `127.0.0.1:${port}`,
      'check the URL',
    );
    assert.ok(!err.message.includes('hunter2'), err.message);
    assert.ok(!src.description.includes('hunter2'));
    assert.equal(src.status().state, 'failed');
    assert.deepEqual(ffmpegChildren(), []);
  });

  it('rejects bad options at the API edge', () => {
    assert.throws(() => new FfmpegSource({ id: -1, url: 'a.mp4' }), RangeError);
    assert.throws(() => new FfmpegSource({ id: 1.5, url: 'a.mp4' }), TypeError);
    assert.throws(
      () => new FfmpegSource({ id: 0, url: 'a.mp4', stallMinMs: 0 }),
      /stallMinMs must be in/,
    );
    assert.throws(
      () => new FfmpegSource({ id: 0, url: 'rtsp://cam/live' }),
      /needs a reconnectPolicy/,
    );
    assert.throws(
      () => new FfmpegSource({ id: 0, url: 'a.mp4', decoderThreads: 1.5 }),
      /decoderThreads must be a whole number, got 1.5/,
    );
    assert.throws(
      () => new FfmpegSource({ id: 0, url: 'a.mp4', decoderThreads: 65 }),
      /decoderThreads must be in 0..64, got 65/,
    );
    assert.throws(
      () => new FfmpegSource({ id: 0, url: 'a.mp4', launcher: 'yes' as unknown as boolean }),
      /launcher/,
    );
    assert.throws(() => new FfmpegSource({ id: 0, url: 'synthetic:' }), /SyntheticSource/);
    assert.throws(
      () => new FfmpegSource({ id: 0, url: 'ftp://host/a.mp4' }),
      (e: unknown) => e instanceof AdelineError && e.code === 'ADELINE_ERR_CONFIG',
    );
  });
});

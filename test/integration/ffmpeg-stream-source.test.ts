import assert from 'node:assert/strict';
import type { Frame } from '../../src/domain/frame.js';
import { FfmpegSource } from '../../src/source/ffmpeg/ffmpeg-source.js';
import { FrameLoop } from '../../src/pipeline/frame-loop.js';
import { freePort, stopAll, type Proc } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { installMetrics, type MetricsProbe } from '../unit/resilience-helpers.js';
import {
  fastReconnect,
  ffmpegChildren,
  H,
  startStreamServer,
  streamUrl,
  W,
} from './ffmpeg-fixtures.js';

/** Takes every frame the source gives until it stops; returns the seqs taken so far (live). */
function consume(src: FfmpegSource): number[] {
  const taken: number[] = [];
  void (async () => {
    for (let f = await src.next(); f; f = await src.next()) {
      taken.push(f.seq);
      f.release();
    }
  })();
  return taken;
}

describe('ffmpeg stream source (real ffmpeg HTTP server)', function () {
  this.timeout(30_000);
  let probe: MetricsProbe;
  let server: Proc | undefined;
  let source: FfmpegSource | undefined;
  before(() => (probe = installMetrics()));
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    if (server) process.kill(server.pid, 'SIGCONT');
    await server?.stop('SIGKILL');
    server = undefined;
  });
  after(async () => {
    await stopAll();
    await probe.stop();
  });

  async function open(
    id: number,
    opts: Partial<ConstructorParameters<typeof FfmpegSource>[0]> = {},
  ) {
    const port = await freePort();
    server = await startStreamServer(port);
    source = new FfmpegSource({
      id,
      url: streamUrl(port),
      reconnectPolicy: fastReconnect(id),
      ...opts,
    });
    await source.start();
    return { port, src: source };
  }

  it('reads a live stream, and reconnects with seq counting on when the server dies and comes back', async () => {
    const { port, src } = await open(10);
    assert.equal(src.live, true);
    const f1 = await src.next();
    assert.ok(f1);
    assert.deepEqual([f1.width, f1.height, f1.data.length, f1.sourceId], [W, H, W * H * 3, 10]);
    f1.release();
    const taken = consume(src);
    await waitFor(() => taken.length >= 5, { timeoutMs: 5000, what: '5 frames taken' });
    assert.equal(src.status().state, 'delivering');
    const before = taken.at(-1)!;

    await server!.stop('SIGKILL');
    await waitFor(() => src.status().state === 'reconnecting', {
      timeoutMs: 5000,
      what: 'reconnecting',
    });
    assert.match(src.status().lastError ?? '', /was lost|cannot open/);
    await waitFor(() => src.status().reconnects >= 1, {
      timeoutMs: 5000,
      what: 'a reconnect attempt',
    });

    server = await startStreamServer(port);
    await waitFor(() => src.status().state === 'delivering' && taken.at(-1)! > before + 5, {
      timeoutMs: 10_000,
      what: 'delivering again',
    });
    assert.ok(
      taken.every((q, i) => i === 0 || q > taken[i - 1]!),
      'seq only grows, across the reconnect',
    );
    assert.ok(
      ((await probe.value('adeline_source_reconnects_total', { source_id: 10 })) ?? 0) >= 1,
    );
    assert.equal(
      await probe.value('adeline_source_state', { source_id: 10, state: 'delivering' }),
      1,
    );
    assert.equal(
      await probe.value('adeline_source_state', { source_id: 10, state: 'reconnecting' }),
      0,
    );
  });

  it('reports a stream that stops sending as stalled within 5 s, and delivering when it resumes', async () => {
    const { src } = await open(11, { stallFactor: 5, stallMinMs: 2000, ioTimeoutMs: 15_000 });
    await waitFor(() => src.status().framesRead >= 5, { timeoutMs: 5000, what: 'frames' });
    consume(src);
    process.kill(server!.pid, 'SIGSTOP');
    const t0 = Date.now();
    await waitFor(() => src.status().state === 'stalled', { timeoutMs: 5000, what: 'stalled' });
    assert.ok(Date.now() - t0 <= 5000);
    assert.equal(await probe.value('adeline_source_state', { source_id: 11, state: 'stalled' }), 1);
    const read = src.status().framesRead;
    process.kill(server!.pid, 'SIGCONT');
    await waitFor(() => src.status().state === 'delivering' && src.status().framesRead > read, {
      timeoutMs: 8000,
      what: 'delivering again',
    });
    assert.equal(src.status().reconnects, 0, 'a short stall does not drop the connection');
  });

  it('reports a live source nobody takes frames from as backpressured, not stalled, and counts the drops', async () => {
    const { src } = await open(12, { stallFactor: 5, stallMinMs: 1000 });
    let drops = 0;
    src.onDrop = () => drops++;
    await waitFor(() => src.status().state === 'backpressured', {
      timeoutMs: 8000,
      what: 'backpressured',
    });
    assert.ok(drops >= 5, `replaced frames are reported (${drops})`);
    assert.equal(drops, src.status().framesRead - 1, 'every frame but the latest was dropped');
    const f = await src.next();
    assert.equal(f?.seq, src.status().framesRead, 'next() gives the latest frame');
    f?.release();
  });

  it('drops stale live frames through the frame loop as backpressure with a slow pipeline, and as max_fps under a cap', async () => {
    const { src } = await open(13);
    const held: Frame[] = [];
    const slow = new FrameLoop({
      sources: [{ source: src }],
      maxFps: 0,
      maxInFlight: 1,
      handler: {
        process: (f) => {
          held.push(f);
          return new Promise<void>((done) =>
            setTimeout(() => {
              f.release();
              done();
            }, 400),
          ); // a pipeline at 2.5 fps behind a 10 fps camera
        },
      },
    });
    slow.start();
    // ffmpeg decodes the analysed second as a burst, so drops come at once; wait for steady state too.
    await waitFor(() => slow.dropped(13).backpressure >= 8 && held.length >= 4, {
      timeoutMs: 8000,
      what: 'backpressure drops',
    });
    await slow.stop();
    assert.equal(slow.dropped(13).max_fps, 0);
    assert.ok(held.every((f, i) => i === 0 || f.seq > held[i - 1]!.seq));
    assert.ok(held[1]!.seq - held[0]!.seq >= 2, 'the frames in between were dropped, not queued');

    const capped = new FrameLoop({
      sources: [{ source: src, maxFps: 2 }],
      maxFps: 0,
      maxInFlight: 16,
      handler: { process: async (f) => f.release() },
    });
    capped.start();
    await waitFor(() => capped.dropped(13).max_fps >= 8, {
      timeoutMs: 8000,
      what: 'max_fps drops',
    });
    await capped.stop();
    assert.equal(capped.dropped(13).backpressure, 0);
    assert.ok(
      ((await probe.value('adeline_frames_dropped_total', { source_id: 13, reason: 'max_fps' })) ??
        0) >= 8,
    );
    assert.ok(
      ((await probe.value('adeline_frames_dropped_total', {
        source_id: 13,
        reason: 'backpressure',
      })) ?? 0) >= 8,
    );
  });

  it('leaves no ffmpeg process behind once stopped', async () => {
    const { src } = await open(14);
    await waitFor(() => src.status().framesRead >= 1, { timeoutMs: 5000, what: 'a frame' });
    await src.stop();
    source = undefined;
    const left = ffmpegChildren().filter((c) => c.pid !== server!.pid);
    assert.deepEqual(left, []);
  });
});

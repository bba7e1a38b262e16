/**
 * The ffmpeg launcher (src/source/ffmpeg/launcher.ts) with real ffmpeg and real processes: who
 * starts ffmpeg, what a missing binary and a killed launcher do, that no ffmpeg outlives a killed
 * service, and that repeated starts leak no listeners.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FfmpegSource } from '../../src/source/ffmpeg/ffmpeg-source.js';
import { ChildRun } from '../../src/source/ffmpeg/ffmpeg-process.js';
import { Launcher, LAUNCHER_LOSSES_MAX } from '../../src/source/ffmpeg/launcher.js';
import { openSocketPair } from '../../src/source/ffmpeg/socket-pair.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { captureLogs } from '../helpers/log-capture.js';
import { freePort, stopAll, tempDir, type Proc } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  fastReconnect,
  ffmpegProcessesUnder,
  makeVideo,
  startStreamServer,
  streamUrl,
} from './ffmpeg-fixtures.js';

const parentOf = (pid: number): number =>
  Number(
    execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)])
      .toString()
      .trim(),
  );

/** Gone, or a zombie nobody has reaped yet: either way it no longer runs. */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

/** PIDs of the running ffmpeg processes (not ffprobe, not zombies) whose parent is `parent`. */
function ffmpegUnder(parent: number): number[] {
  return ffmpegProcessesUnder([parent])
    .filter((p) => p.comm === 'ffmpeg' && !p.stat.startsWith('Z'))
    .map((p) => p.pid);
}

describe('ffmpeg launcher (real ffmpeg, real processes)', function () {
  this.timeout(40_000);
  const clip = makeVideo('launcher.mp4', 2, 10);
  let server: Proc | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    configureLogger({ level: 'warn', pretty: 'never' });
  });
  after(() => stopAll());

  it('starts ffmpeg from the launcher, a child of the service; with launcher false the service starts it', async () => {
    const own = new Launcher();
    const viaLauncher = new FfmpegSource({ id: 0, url: clip, loop: true, launcher: own });
    const direct = new FfmpegSource({ id: 1, url: clip, loop: true, launcher: false });
    try {
      await viaLauncher.start();
      await direct.start();
      (await viaLauncher.next())?.release();
      (await direct.next())?.release();
      assert.ok(own.pid, 'the launcher runs');
      assert.equal(parentOf(own.pid), process.pid, 'the launcher is a child of the service');
      assert.equal(ffmpegUnder(own.pid).length, 1, 'one ffmpeg under the launcher');
      assert.equal(ffmpegUnder(process.pid).length, 1, 'one ffmpeg under the service itself');
    } finally {
      await viaLauncher.stop();
      await direct.stop();
    }
    await waitFor(() => ffmpegUnder(own.pid!).length === 0, { what: 'ffmpeg stopped' });
    assert.equal(own.pending, 0);
  });

  it('reports a missing binary started through the launcher as ENOENT, without a pid', async () => {
    const own = new Launcher();
    const pair = await openSocketPair(() => {});
    const run = new ChildRun('/nonexistent/ffmpeg', ['-version'], pair.childEnd, own);
    assert.equal(run.launched, true);
    const exit = await run.exited;
    pair.reader.destroy();
    assert.equal(exit.spawnError?.code, 'ENOENT', JSON.stringify(exit));
    assert.equal(run.pid, undefined);
    assert.equal(run.running, false);
    assert.equal(own.pending, 0);
  });

  it('a killed launcher: its ffmpeg is stopped, the event is logged, the stream reconnects through a new launcher', async () => {
    const logs = captureLogs();
    const own = new Launcher();
    const port = await freePort();
    server = await startStreamServer(port);
    const src = new FfmpegSource({
      id: 7,
      url: streamUrl(port),
      reconnectPolicy: fastReconnect(7),
      launcher: own,
    });
    try {
      await src.start();
      (await src.next())?.release();
      const first = own.pid!;
      const [ffmpeg] = ffmpegUnder(first);
      assert.ok(ffmpeg, 'ffmpeg runs under the launcher');
      process.kill(first, 'SIGKILL');
      await waitFor(() => gone(ffmpeg), { timeoutMs: 5000, what: 'the orphaned ffmpeg killed' });
      const event = await waitFor(() => logs.find((l) => l.event === 'ffmpeg_launcher_exited'), {
        timeoutMs: 5000,
        what: 'ffmpeg_launcher_exited logged',
      });
      assert.match(String(event.msg), /killed by SIGKILL/);
      assert.match(String(event.msg), /1 ffmpeg run\(s\) stopped/);
      assert.equal(event.direct, false);
      // The stream server served its one client, and exits with it: serve again.
      await server.stop('SIGKILL');
      server = await startStreamServer(port);
      await waitFor(() => own.pid !== undefined && ffmpegUnder(own.pid).length === 1, {
        timeoutMs: 10_000,
        what: 'ffmpeg again, under a new launcher',
      });
      assert.notEqual(own.pid, first);
      let got = 0;
      for (let f = await src.next(); f && got < 3; f = await src.next(), got++) f.release();
      assert.equal(got, 3, 'frames after the launcher was replaced');
    } finally {
      await src.stop();
    }
  });

  it(`falls back to spawning ffmpeg itself after ${LAUNCHER_LOSSES_MAX} losses of the launcher`, async () => {
    const logs = captureLogs();
    const own = new Launcher();
    for (let i = 0; i < LAUNCHER_LOSSES_MAX; i++) {
      own.warm();
      const pid = own.pid!;
      process.kill(pid, 'SIGKILL');
      await waitFor(() => own.pid === undefined, { what: `launcher ${i + 1} gone` });
    }
    const events = logs.filter((l) => l.event === 'ffmpeg_launcher_exited');
    assert.deepEqual(
      events.map((e) => e.direct),
      [false, false, true],
    );
    const src = new FfmpegSource({ id: 2, url: clip, launcher: own });
    try {
      await src.start();
      (await src.next())?.release();
      assert.equal(own.pid, undefined, 'no launcher any more');
      assert.equal(ffmpegUnder(process.pid).length, 1, 'ffmpeg is the service’s own child');
    } finally {
      await src.stop();
    }
  });

  it('stops its ffmpeg and exits when the service is SIGKILLed', async () => {
    // A stream that never sends: its ffmpeg neither writes (no EPIPE to end it) nor gives up
    // before its 30 s I/O timeout, so only the launcher can stop it.
    const silent = createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    const dir = tempDir('adeline-launcher-');
    const script = join(dir, 'service.mts');
    const src = (p: string) => JSON.stringify(new URL(`../../src/${p}`, import.meta.url).href);
    writeFileSync(
      script,
      `import { FfmpegSource } from ${src('source/ffmpeg/ffmpeg-source.ts')};
import { RetryForeverPolicy } from ${src('resilience/reconnect-policy.ts')};
const policy = new RetryForeverPolicy({ service: 'source_0', initialDelayMs: 100, maxDelayMs: 400 });
const s = new FfmpegSource({ id: 0, url: 'tcp://127.0.0.1:${port}', reconnectPolicy: policy, ioTimeoutMs: 30000, connectTimeoutMs: 60000 });
await s.start();
setInterval(() => {}, 1000);
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const [launcherPid, ffmpeg] = await waitFor(
        () => {
          const l = execFileSync('ps', ['--ppid', String(child.pid), '-o', 'pid=,args='])
            .toString()
            .split('\n')
            .find((x) => x.includes('launcher-child'));
          const pid = l ? Number(l.trim().split(/\s+/)[0]) : undefined;
          const f = pid ? ffmpegUnder(pid)[0] : undefined;
          return pid && f ? [pid, f] : undefined;
        },
        { timeoutMs: 15_000, what: 'ffmpeg under a launcher under the service' },
      );
      child.kill('SIGKILL');
      await waitFor(() => gone(launcherPid) && gone(ffmpeg), {
        timeoutMs: 5000,
        what: 'launcher and ffmpeg gone after the service was killed',
      });
    } finally {
      child.kill('SIGKILL');
      silent.close();
    }
  });

  it('starts ffmpeg many times without piling up listeners', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const own = new Launcher();
    try {
      for (let i = 0; i < 15; i++) {
        const pair = await openSocketPair(() => {});
        const run = new ChildRun('ffmpeg', ['-hide_banner', '-version'], pair.childEnd, own);
        const exit = await run.exited;
        pair.reader.destroy();
        assert.equal(exit.code, 0, run.stderrTail());
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        warnings.map((w) => w.message),
        [],
      );
      assert.equal(own.pending, 0);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

/**
 * `adeline run --source http://...` end to end: the real CLI reads a live MPEG-TS stream that a real
 * ffmpeg serves, and reconnects when that server dies and a new one comes up on the same port.
 */
import { strict as assert } from 'node:assert';
import { freePort, stopAll, type Proc } from '../helpers/processes.js';
import { startService, type LogLine, type ServiceRun } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';
import { startStreamServer, streamUrl } from './ffmpeg-fixtures.js';

describe('adeline run --source <stream URL> (real CLI, ffmpeg HTTP server)', function () {
  this.timeout(60_000);
  let server: Proc | undefined;
  let svc: ServiceRun | undefined;

  afterEach(async () => {
    await svc?.stop('SIGTERM', 10_000);
    await server?.stop('SIGKILL');
    svc = undefined;
    server = undefined;
  });
  after(() => stopAll());

  it('reads frames from the stream and, after the server dies, reconnects and reads again', async () => {
    const port = await freePort();
    server = await startStreamServer(port);
    svc = startService({
      args: ['--source', streamUrl(port), '--max-fps', '0', '--log-level', 'debug'],
      set: {
        'resilience.source_reconnect.initial_delay_ms': 100,
        'resilience.source_reconnect.max_delay_ms': 300,
      },
    });
    const run = svc;
    const processed = (): LogLine[] =>
      run.logs().filter((l) => l.event === 'frame_processed' && l.source_id === 0);

    const opened = await run.waitForEvent('source_opened', (l) => l.source_id === 0);
    assert.equal(opened.previous, 'connecting');
    await waitFor(() => processed().length >= 5, { timeoutMs: 20_000, what: '5 frames processed' });

    await server.stop('SIGKILL');
    const lost = await run.waitForEvent('source_reconnecting', (l) => l.source_id === 0);
    assert.equal(lost.level, 'warn');
    assert.equal(lost.source, streamUrl(port), 'the log names the stream');
    const before = processed().length;

    server = await startStreamServer(port);
    const reopened = await run.waitForEvent(
      'source_opened',
      (l) => l.source_id === 0 && l.previous === 'reconnecting',
    );
    assert.ok(reopened);
    await waitFor(() => processed().length >= before + 5, {
      timeoutMs: 20_000,
      what: '5 more frames after the reconnect',
    });
    const seqs = processed().map((l) => Number(l.frame_seq));
    const lastBefore = Math.max(...seqs.slice(0, before));
    assert.ok(
      seqs.slice(before).every((s) => s > lastBefore),
      `frame seq counts on across the reconnect: ${seqs.join(',')}`,
    );

    assert.equal(await run.stop('SIGTERM', 10_000), 0, run.proc.stderr());
    assert.match(run.proc.stderr(), /Adeline run summary/);
    assert.doesNotMatch(run.proc.stderr(), /^\s+at /m);
  });
});

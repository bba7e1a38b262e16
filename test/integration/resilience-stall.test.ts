/**
 * Issue 5 acceptance, stalled source: a live HTTP stream (a real ffmpeg server) that stops
 * sending frames (SIGSTOP) is reported stalled within 5 s, in /health/detailed and in
 * adeline_source_state; a file source held back by a busy pipeline is backpressured, never stalled.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  startMosquitto,
  stopAll,
  tempDir,
  type Mosquitto,
  type Proc,
} from '../helpers/processes.js';
import { value } from '../helpers/prom-text.js';
import { startService, type ServiceRun } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';
import { makeVideo, startStreamServer, streamUrl } from './ffmpeg-fixtures.js';

interface SourceView {
  status: string;
  state: string;
  /** adeline_source_state{source_id, state} = 1 for this state. */
  metricState: string | undefined;
  atMs: number;
}

const STATES = [
  'connecting',
  'delivering',
  'backpressured',
  'reconnecting',
  'stalled',
  'paused',
  'ended',
  'failed',
];

/** The source's check in /health/detailed and its state gauge in /metrics, read together. */
async function sourceView(run: ServiceRun, id: number): Promise<SourceView> {
  const atMs = Date.now();
  const detailed = JSON.parse((await run.get('/health/detailed')).body) as {
    checks: Record<string, { status: string; details: { state: string } }>;
  };
  const check = detailed.checks[`source_${id}`];
  assert.ok(check, `no source_${id} check in ${JSON.stringify(Object.keys(detailed.checks))}`);
  const metrics = (await run.get('/metrics')).body;
  const metricState = STATES.find(
    (s) => value(metrics, 'adeline_source_state', { source_id: String(id), state: s }) === 1,
  );
  return { status: check.status, state: check.details.state, metricState, atMs };
}

describe('resilience: stalled and backpressured sources', function () {
  this.timeout(60_000);
  let mosq: Mosquitto;
  let server: Proc | undefined;

  before(async () => {
    mosq = await startMosquitto();
  });
  afterEach(() => {
    if (server && server.child.exitCode === null) process.kill(server.pid, 'SIGCONT');
  });
  after(() => stopAll());

  it('reports a stream that stops sending frames as stalled within 5 s, in /health/detailed and adeline_source_state', async () => {
    const port = await freePort();
    server = await startStreamServer(port);
    const run = startService({
      brokerUrl: `mqtt://127.0.0.1:${mosq.port}`,
      args: ['--source', streamUrl(port), '--max-fps', '10'],
    });
    const delivering = await waitFor(
      async () => {
        const v = await sourceView(run, 0);
        return v.state === 'delivering' && v.metricState === 'delivering' && v;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the stream delivering' },
    );
    assert.equal(delivering.status, 'healthy');

    const stopAt = Date.now();
    process.kill(server.pid, 'SIGSTOP');
    const views: SourceView[] = [];
    const stalled = await waitFor(
      async () => {
        const v = await sourceView(run, 0);
        views.push(v);
        return v.state === 'stalled' && v.metricState === 'stalled' && v;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'the source reported stalled' },
    );
    assert.ok(
      stalled.atMs - stopAt <= 5000,
      `stalled reported ${stalled.atMs - stopAt} ms after the stream stopped`,
    );
    assert.equal(stalled.status, 'unhealthy');
    const ready = await run.get('/health/ready');
    assert.equal(ready.status, 503, `a stalled source fails readiness: ${ready.body}`);
    assert.ok(
      views.every((v) => ['delivering', 'stalled'].includes(v.state)),
      `states seen: ${views.map((v) => v.state).join(', ')}`,
    );

    process.kill(server.pid, 'SIGCONT');
    await waitFor(
      async () => {
        const v = await sourceView(run, 0);
        return v.state === 'delivering' && v.metricState === 'delivering';
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'the stream delivering again' },
    );
    await run.stop('SIGTERM');
  });

  it('reports a file source held back by a busy pipeline as backpressured, never stalled', async () => {
    const video = makeVideo('long.mp4', 30, 10);
    const faultFile = join(tempDir(), 'fault.json');
    writeFileSync(faultFile, '');
    const run = startService({
      brokerUrl: `mqtt://127.0.0.1:${mosq.port}`,
      args: ['--source', video, '--max-fps', '10'],
      // A slow model: every run hangs, and is given up only after 30 s.
      set: { 'resilience.inference.timeout_ms': 30_000 },
      env: { ADELINE_TEST_FAULTS: '1', ADELINE_TEST_FAULT_FILE: faultFile },
    });
    await waitFor(
      async () => {
        const v = await sourceView(run, 0);
        return v.state === 'delivering' && v;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the file delivering' },
    );
    await run.waitForEvent('service_started');
    const busyAt = Date.now();
    writeFileSync(faultFile, JSON.stringify({ kind: 'hang' }));
    // Watch it for 8 s (four stall timeouts): it must turn backpressured and never stalled.
    const views: SourceView[] = [];
    await waitFor(
      async () => {
        views.push(await sourceView(run, 0));
        return Date.now() - busyAt > 8000;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: '8 s of a busy pipeline' },
    );
    const seen = views.map((v) => `${v.state}/${v.metricState ?? '-'}`);
    assert.ok(
      views.every((v) => v.state !== 'stalled' && v.metricState !== 'stalled'),
      `a backpressured source was reported stalled: ${seen.join(', ')}`,
    );
    const bp = views.find((v) => v.state === 'backpressured' && v.metricState === 'backpressured');
    assert.ok(bp, `never reported backpressured: ${seen.join(', ')}`);
    assert.ok(bp.atMs - busyAt <= 5000, `backpressured after ${bp.atMs - busyAt} ms`);
    assert.equal(bp.status, 'healthy', 'backpressured is healthy');
    const last = views.at(-1) as SourceView;
    assert.equal(last.state, 'backpressured', `the pipeline is still busy: ${seen.join(', ')}`);
    rmSync(faultFile, { force: true });
    await run.stop('SIGKILL');
  });
});

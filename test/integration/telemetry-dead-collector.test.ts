/**
 * Issue 4 item 6: with the collector down, frames go on; exports fail once, then batches are
 * dropped and counted without an attempt until a trial export; the failure is logged once and the
 * telemetry_export check is degraded; when the collector comes back, export recovers.
 */
import assert from 'node:assert/strict';
import { OtlpSink } from '../helpers/otlp-sink.js';
import { freePort, stopAll } from '../helpers/processes.js';
import { startService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

const value = (text: string, name: string, labels: string): number =>
  Number(new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('telemetry with a dead collector', function () {
  this.timeout(90_000);
  const sink = new OtlpSink();
  after(async () => {
    await stopAll();
    await sink.stop();
  });

  it('keeps processing, counts the drops, logs the failure once, and recovers when the collector returns', async () => {
    const port = await freePort();
    const run = startService({
      otlpEndpoint: `http://127.0.0.1:${port}`,
      args: ['--max-fps', '50'],
      set: { 'synthetic.live': false },
    });
    await run.waitForEvent('telemetry_export_failed', (l) => l.signal === 'traces');
    const framesAt = async () =>
      value((await run.get('/metrics')).body, 'adeline_frames_processed_total', 'source_id="0"');
    const f0 = await framesAt();
    await waitFor(async () => (await framesAt()) >= f0 + 50, {
      timeoutMs: 20_000,
      what: '50 more frames with the collector down',
    });
    const metrics = (await run.get('/metrics')).body;
    const failures = value(metrics, 'adeline_telemetry_export_failures_total', 'signal="traces"');
    const dropped = value(metrics, 'adeline_telemetry_dropped_total', 'signal="traces"');
    assert.ok(
      failures >= 1 && failures <= 3,
      `a few real export attempts, not one per batch (got ${failures})`,
    );
    assert.ok(
      dropped > failures,
      `batches dropped without an attempt are counted (dropped ${dropped})`,
    );
    assert.equal(
      run.logs().filter((l) => l.event === 'telemetry_export_failed' && l.signal === 'traces')
        .length,
      1,
      'logged once',
    );
    const detailed = JSON.parse((await run.get('/health/detailed')).body) as {
      checks: Record<string, { status: string }>;
    };
    assert.equal(detailed.checks.telemetry_export?.status, 'degraded');

    await sink.start(port);
    await run.waitForEvent('telemetry_export_recovered', (l) => l.signal === 'traces', 30_000);
    await waitFor(() => sink.spans.some((s) => s.name === 'adeline.frame'), {
      what: 'frame spans at the revived collector',
    });
    assert.equal(await run.stop(), 0);
  });
});

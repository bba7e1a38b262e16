/**
 * Issue 5 acceptance, model failure: the real inference worker is broken through the test fault
 * file (a crash, or a hang against a short resilience.inference.timeout_ms). The frame spans show
 * ERROR and the errors are counted; the inference breaker opens and readiness turns unhealthy
 * within 5 s; every probe request still gets an HTTP answer; once the fault is cleared the
 * service is ready again and processes frames.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPANS } from '../../src/telemetry/schema.js';
import { checkStatus, HealthProber } from '../helpers/health-probe.js';
import { OtlpSink } from '../helpers/otlp-sink.js';
import { startMosquitto, stopAll, tempDir, type Mosquitto } from '../helpers/processes.js';
import { sum, value } from '../helpers/prom-text.js';
import { MetricsScraper } from '../helpers/resilience.js';
import { startService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

const nsToMs = (ns: string) => Number(BigInt(ns) / 1_000_000n);

describe('resilience: model failure', function () {
  this.timeout(60_000);
  let mosq: Mosquitto;
  let sink: OtlpSink;
  const probers: HealthProber[] = [];
  let scraper: MetricsScraper | undefined;

  before(async () => {
    mosq = await startMosquitto();
  });
  beforeEach(async () => {
    sink = new OtlpSink();
    await sink.start();
  });
  afterEach(async () => {
    for (const p of probers.splice(0)) await p.stop();
    await scraper?.stop();
    await sink.stop();
  });
  after(() => stopAll());

  const cases = [
    { fault: 'crash', code: 'ADELINE_ERR_WORKER_CRASHED', set: {} },
    {
      fault: 'hang',
      code: 'ADELINE_ERR_INFERENCE_TIMEOUT',
      set: { 'resilience.inference.timeout_ms': 500 },
    },
  ] as const;

  for (const c of cases) {
    it(`on a worker ${c.fault}: ERROR frame spans, counted errors, breaker open and not ready within 5 s, probes answered, recovery when the model heals`, async () => {
      const faultFile = join(tempDir(), 'fault.json');
      writeFileSync(faultFile, '');
      const run = startService({
        brokerUrl: `mqtt://127.0.0.1:${mosq.port}`,
        otlpEndpoint: sink.endpoint,
        args: ['--max-fps', '10'],
        set: { 'resilience.inference.breaker.half_open_after_ms': 2000, ...c.set },
        env: { ADELINE_TEST_FAULTS: '1', ADELINE_TEST_FAULT_FILE: faultFile },
      });
      const port = await run.healthPort();
      const base = `http://127.0.0.1:${port}`;
      const ready = new HealthProber(`${base}/health/ready`, 200).start();
      const live = new HealthProber(`${base}/health/live`, 200).start();
      probers.push(ready, live);
      scraper = new MetricsScraper(`${base}/metrics`, 500).start();
      await waitFor(
        () =>
          ready.answers.some((a) => a.status === 200 && checkStatus(a.body, 'model') === 'healthy'),
        {
          timeoutMs: 20_000,
          what: 'ready with a healthy model',
        },
      );
      const processed = (text: string) => sum(text, 'adeline_frames_processed_total');
      const errors = (text: string) => sum(text, 'adeline_errors_total');
      await waitFor(async () => processed((await run.get('/metrics')).body) >= 5, {
        timeoutMs: 10_000,
        what: '5 frames processed',
      });
      const before = (await run.get('/metrics')).body;

      const faultAt = Date.now();
      writeFileSync(faultFile, JSON.stringify({ kind: c.fault }));
      const unready = await waitFor(
        () =>
          ready.firstAfter(
            faultAt,
            (a) => a.status === 503 && checkStatus(a.body, 'model') === 'unhealthy',
          ),
        {
          timeoutMs: 10_000,
          what: 'readiness 503 with the model unhealthy',
        },
      );
      assert.ok(
        unready.atMs - faultAt <= 5000,
        `not ready ${unready.atMs - faultAt} ms after the fault`,
      );
      const open = await waitFor(
        () =>
          scraper?.scrapes.find(
            (s) =>
              s.atMs > faultAt &&
              value(s.text, 'adeline_circuit_breaker_state', { service: 'inference' }) === 1,
          ),
        { timeoutMs: 10_000, what: 'adeline_circuit_breaker_state{service="inference"} = 1' },
      );
      assert.ok(
        open.atMs - faultAt <= 5000,
        `breaker open in /metrics ${open.atMs - faultAt} ms after the fault`,
      );
      const during = (await run.get('/metrics')).body;
      assert.ok(
        errors(during) - errors(before) >= 3,
        `adeline_errors_total grew by ${errors(during) - errors(before)}`,
      );
      assert.ok(
        sum(during, 'adeline_circuit_breaker_transitions_total', {
          service: 'inference',
          state: 'open',
        }) >= 1,
        'the breaker transition to open is counted',
      );

      // Frames failed with the fault's own error, then fail fast while the breaker is open.
      await run.waitForEvent(
        'frame_processing_failed',
        (l) => l.code === 'ADELINE_ERR_MODEL_UNAVAILABLE',
        10_000,
      );
      const codes = run
        .logs()
        .flatMap((l) => (l.event === 'frame_processing_failed' ? [String(l.code)] : []));
      assert.ok(codes.includes(c.code), `frames failed with ${c.code}: ${codes.join(', ')}`);

      const healAt = Date.now();
      rmSync(faultFile);
      const recovered = await waitFor(
        () =>
          ready.firstAfter(
            healAt,
            (a) => a.status === 200 && checkStatus(a.body, 'model') === 'healthy',
          ),
        {
          timeoutMs: 20_000,
          what: 'ready again after the model healed',
        },
      );
      const atRecovery = (await run.get('/metrics')).body;
      await waitFor(
        async () => processed((await run.get('/metrics')).body) >= processed(atRecovery) + 5,
        {
          timeoutMs: 10_000,
          what: 'frames processed after recovery',
        },
      );
      assert.equal(
        value((await run.get('/metrics')).body, 'adeline_circuit_breaker_state', {
          service: 'inference',
        }),
        0,
        'breaker closed again',
      );

      // Every probe during the failure got an HTTP answer.
      for (const p of [ready, live]) {
        const window = p.between(faultAt, recovered.atMs);
        assert.ok(window.length >= 5, `${window.length} probes during the failure`);
        const unanswered = window.filter((a) => a.status === null);
        assert.deepEqual(
          unanswered.map((a) => a.error),
          [],
          'probes without an HTTP response',
        );
      }
      assert.ok(
        live.between(faultAt, recovered.atMs).every((a) => a.status === 200),
        'a broken model does not fail liveness',
      );
      assert.ok(
        scraper.scrapes.filter((s) => s.atMs > faultAt).every((s) => s.status === 200),
        '/metrics answered during the failure',
      );

      assert.equal(await run.stop('SIGTERM'), 0, run.proc.stderr().slice(-2000));
      // The frame spans of the failure window are ERROR.
      const failedFrames = sink.spans.filter(
        (s) => s.name === SPANS.frame.name && !s.parentSpanId && s.status?.code === 2,
      );
      assert.ok(failedFrames.length >= 1, 'no ERROR frame span exported');
      assert.ok(
        failedFrames.every((s) => nsToMs(s.startTimeUnixNano) >= faultAt - 1000),
        'ERROR frame spans only after the fault',
      );
      const inferenceErrors = sink.spans.filter(
        (s) => s.name === SPANS.inference.name && s.status?.code === 2,
      );
      assert.ok(inferenceErrors.length >= 1, 'no ERROR inference span exported');
    });
  }
});

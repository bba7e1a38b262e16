/**
 * Issue 5 acceptance, broker outage: the real service publishes detections at QoS 1 to a real
 * Mosquitto; Mosquitto is SIGKILLed for 20 s and restarted on the same port. Every message
 * produced during the outage arrives afterwards, in order per source, none missing; the
 * readiness probe shows the data plane degraded, then healthy, within 5 s; /metrics shows the
 * breaker state and the spool depth all along.
 */
import assert from 'node:assert/strict';
import { checkStatus, HealthProber, type ProbeAnswer } from '../helpers/health-probe.js';
import { DetectionCollector } from '../helpers/mqtt-collector.js';
import { OtlpSink } from '../helpers/otlp-sink.js';
import { stopAll, type Mosquitto } from '../helpers/processes.js';
import { samples, value } from '../helpers/prom-text.js';
import {
  MetricsScraper,
  persistenceDir,
  processedFrames,
  startPersistentMosquitto,
} from '../helpers/resilience.js';
import { startService, type ServiceRun } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

const OUTAGE_MS = 20_000;
const dataPlane = (a: ProbeAnswer) => checkStatus(a.body, 'mqtt_data');

describe('resilience: a 20 s broker outage', function () {
  this.timeout(90_000);
  let sink: OtlpSink;
  let collector: DetectionCollector | undefined;
  let prober: HealthProber | undefined;
  let scraper: MetricsScraper | undefined;

  before(async () => {
    sink = new OtlpSink();
    await sink.start();
  });
  after(async () => {
    await prober?.stop();
    await scraper?.stop();
    await collector?.stop();
    await stopAll();
    await sink.stop();
  });

  it('delivers every detection produced during the outage after recovery, in order per source, and health and metrics follow it', async () => {
    const dataDir = persistenceDir();
    const mosq: Mosquitto = await startPersistentMosquitto(dataDir);
    const url = `mqtt://127.0.0.1:${mosq.port}`;
    // A persistent session, so the restarted broker queues for the subscriber while it reconnects.
    collector = await DetectionCollector.start(url, {
      clientId: `resilience-outage-${process.pid}`,
      clean: false,
    });
    const subscribedAt = Date.now();
    const run: ServiceRun = startService({
      brokerUrl: url,
      otlpEndpoint: sink.endpoint,
      args: [
        '--source',
        'synthetic:?seed=1&width=320&height=240',
        '--source',
        'synthetic:?seed=2&width=320&height=240',
        '--max-fps',
        '5',
        '--log-level',
        'debug',
      ],
      set: {
        'mqtt.qos.data': 1,
        // With the default backoff cap (30 s) the reconnect after a 20 s outage can come ~12 s after the broker is back.
        'mqtt.reconnect.initial_delay_ms': 200,
        'mqtt.reconnect.max_delay_ms': 1000,
        // One stream in message_id order (the live-first default interleaves live data with the
        // replay; resilience-broker-crash-full-speed.test.ts checks that mode's order per stream).
        'spool.replay.live_first': false,
      },
    });
    const port = await run.healthPort();
    prober = new HealthProber(`http://127.0.0.1:${port}/health/ready`, 200).start();
    scraper = new MetricsScraper(`http://127.0.0.1:${port}/metrics`, 1000).start();
    await waitFor(
      () => prober?.answers.some((a) => a.status === 200 && dataPlane(a) === 'healthy'),
      {
        timeoutMs: 20_000,
        what: 'ready with the data plane healthy',
      },
    );
    await collector.waitUntil(
      (c) => [0, 1].every((s) => c.messages.filter((m) => m.sourceId === s).length >= 5),
      20_000,
      '5 live messages per source',
    );
    // Mosquitto saves its sessions every second; let it save the subscriber's.
    await waitFor(() => Date.now() - subscribedAt > 2500, {
      timeoutMs: 5000,
      what: 'the session to be saved',
    });

    const maxBeforeKill = collector.maxId();
    const killAt = Date.now();
    await mosq.proc.stop('SIGKILL');
    // The scenario: the broker stays down for OUTAGE_MS.
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const restartAt = Date.now();
    await startPersistentMosquitto(dataDir, mosq.port); // same port, same sessions; stopAll() ends it

    await waitFor(() => prober?.firstAfter(restartAt, (a) => dataPlane(a) === 'healthy'), {
      timeoutMs: 15_000,
      what: 'the data plane healthy again',
    });
    const produced = processedFrames(run).filter((f) => f.atMs > killAt && f.atMs < restartAt);
    const lastOutageId = Math.max(...produced.map((f) => f.messageId));
    // Recovered when the spool is empty and a message produced after the restart has arrived.
    await collector.waitUntil(
      (c) => c.maxId() > lastOutageId + 4,
      30_000,
      'live messages after the replay',
    );
    await waitFor(
      () => {
        const last = scraper?.scrapes.at(-1);
        return (
          last !== undefined &&
          last.atMs > restartAt &&
          value(last.text, 'adeline_spool_messages') === 0
        );
      },
      { timeoutMs: 30_000, what: 'the spool to drain' },
    );
    await prober.stop();
    await scraper.stop();

    // Every message produced during the outage arrived after the restart; none is missing.
    assert.ok(produced.length >= 40, `only ${produced.length} frames processed during the outage`);
    const firstArrival = new Map<number, number>();
    for (const m of collector.messages)
      if (!firstArrival.has(m.messageId)) firstArrival.set(m.messageId, m.atMs);
    const lost = produced.filter((f) => !firstArrival.has(f.messageId)).map((f) => f.messageId);
    assert.deepEqual(lost, [], 'messages produced during the outage that never arrived');
    const early = produced.filter(
      (f) => (firstArrival.get(f.messageId) ?? Infinity) < restartAt && f.messageId > maxBeforeKill,
    );
    assert.deepEqual(
      early.map((f) => f.messageId),
      [],
      'outage messages cannot arrive while the broker is down',
    );
    const minId = Math.min(...collector.ids());
    assert.equal(minId, 1, 'the subscriber saw the first message');
    assert.deepEqual(collector.missing(minId, collector.maxId()), [], 'message ids are contiguous');
    assert.deepEqual(collector.orderViolations(), [], 'in order per source');
    assert.deepEqual(collector.malformed, []);
    // A duplicate is a redelivery of the same message (QoS 1), never a different message with the same id.
    const byId = new Map<number, string>();
    for (const m of collector.messages) {
      const key = `${m.sourceId}/${m.frameId}/${m.traceId}`;
      const prev = byId.get(m.messageId);
      assert.ok(
        prev === undefined || prev === key,
        `message ${m.messageId} arrived as ${prev} and as ${key}`,
      );
      byId.set(m.messageId, key);
    }

    // Readiness: degraded (still 200) within 5 s of the kill, healthy within 5 s of the restart.
    const degraded = prober.firstAfter(killAt, (a) => dataPlane(a) === 'degraded');
    assert.ok(degraded, 'the data plane never reported degraded');
    assert.ok(
      degraded.atMs - killAt <= 5000,
      `degraded ${degraded.atMs - killAt} ms after the kill`,
    );
    const during = prober.between(degraded.atMs, restartAt);
    assert.ok(during.length >= 50, `${during.length} probes during the outage`);
    for (const a of during) {
      assert.equal(
        a.status,
        200,
        `a degraded data plane must not fail readiness: ${JSON.stringify(a.body)}`,
      );
      assert.equal(
        dataPlane(a),
        'degraded',
        `data plane during the outage: ${JSON.stringify(a.body)}`,
      );
    }
    const healthy = prober.firstAfter(restartAt, (a) => dataPlane(a) === 'healthy');
    assert.ok(healthy, 'the data plane never turned healthy again');
    assert.ok(
      healthy.atMs - restartAt <= 5000,
      `healthy ${healthy.atMs - restartAt} ms after the restart`,
    );

    // /metrics: breaker state and spool depth in every scrape; the spool filled during the outage and drained after.
    for (const s of scraper.scrapes) {
      assert.equal(s.status, 200, `/metrics answered ${s.status} at +${s.atMs - killAt} ms`);
      assert.equal(
        samples(s.text, 'adeline_circuit_breaker_state', { service: 'mqtt_publish' }).length,
        1,
        'breaker state of mqtt_publish',
      );
      assert.notEqual(value(s.text, 'adeline_spool_messages'), undefined, 'spool depth');
    }
    const outageScrapes = scraper.scrapes.filter(
      (s) => s.atMs > killAt + 2000 && s.atMs < restartAt,
    );
    assert.ok(outageScrapes.length >= 10, `${outageScrapes.length} scrapes during the outage`);
    const depths = outageScrapes.map((s) => value(s.text, 'adeline_spool_messages') ?? 0);
    assert.ok(
      depths.every((d) => d > 0),
      `spool depth during the outage: ${depths.join(', ')}`,
    );
    assert.ok(
      (depths.at(-1) ?? 0) > (depths[0] ?? 0),
      `the spool grows during the outage: ${depths.join(', ')}`,
    );

    assert.equal(await run.stop('SIGTERM'), 0, run.proc.stderr().slice(-2000));
  });
});

/**
 * Issue 5 acceptance, SIGTERM under load: the service runs frames as fast as it can against a
 * real Mosquitto at QoS 1 and gets SIGTERM, with the broker up and with the broker down (all
 * messages spooling). It exits 0 within shutdown.grace_period; every frame that finished
 * processing was published or left in the spool; with the broker up `disconnected` is published;
 * the final spans reach the OTLP capture server.
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { ATTRS, SPANS } from '../../src/telemetry/schema.js';
import { DetectionCollector } from '../helpers/mqtt-collector.js';
import { OtlpSink } from '../helpers/otlp-sink.js';
import { startMosquitto, stopAll } from '../helpers/processes.js';
import { value } from '../helpers/prom-text.js';
import { processedFrames, spooledRecords } from '../helpers/resilience.js';
import { startService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

const GRACE_S = 5;
const STATUS_TOPIC = 'inference/control/status';

describe('resilience: SIGTERM under load', function () {
  this.timeout(60_000);
  let sink: OtlpSink;
  let collector: DetectionCollector | undefined;
  let statusClient: mqtt.MqttClient | undefined;

  beforeEach(async () => {
    sink = new OtlpSink();
    await sink.start();
  });
  afterEach(async () => {
    await collector?.stop();
    await statusClient?.endAsync(true);
    await stopAll();
    await sink.stop();
  });

  for (const brokerDown of [false, true]) {
    const when = brokerDown ? 'while the broker is down' : 'with the broker up';
    it(`exits 0 within the grace period ${when}, with every processed frame published or spooled and its spans exported`, async () => {
      const mosq = await startMosquitto();
      const url = `mqtt://127.0.0.1:${mosq.port}`;
      collector = await DetectionCollector.start(url, { reconnectPeriodMs: 0 });
      statusClient = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
      const statuses: string[] = [];
      statusClient.on('error', () => undefined);
      statusClient.on('message', (_t, p) =>
        statuses.push((JSON.parse(p.toString()) as { status: string }).status),
      );
      await statusClient.subscribeAsync(STATUS_TOPIC, { qos: 1 });

      const run = startService({
        brokerUrl: url,
        otlpEndpoint: sink.endpoint,
        args: ['--max-fps', '0', '--log-level', 'debug'],
        set: { 'synthetic.live': false, 'mqtt.qos.data': 1, 'shutdown.grace_period': GRACE_S },
      });
      await run.waitForEvent('service_started');
      // Under load: frames in flight and messages being published or spooled at the moment of the signal.
      await collector.waitUntil((c) => c.messages.length >= 50, 20_000, '50 detection messages');
      if (brokerDown) {
        await mosq.proc.stop('SIGKILL');
        await waitFor(
          async () =>
            (value((await run.get('/metrics')).body, 'adeline_spool_messages') ?? 0) >= 50,
          {
            timeoutMs: 20_000,
            what: '50 spooled messages',
          },
        );
      } else {
        await collector.waitUntil(
          (c) => c.messages.length >= 150,
          20_000,
          '150 detection messages',
        );
      }

      const signalAt = Date.now();
      const code = await run.proc.stop('SIGTERM', GRACE_S * 1000 + 5000);
      const tookMs = Date.now() - signalAt;
      assert.equal(code, 0, `exit ${code}: ${run.proc.stderr().slice(-2000)}`);
      assert.ok(
        tookMs <= GRACE_S * 1000,
        `exited ${tookMs} ms after SIGTERM (grace period ${GRACE_S} s)`,
      );

      const stopped = run.logs().find((l) => l.event === 'service_stopped');
      assert.ok(stopped, 'no service_stopped log line');
      const processed = Number(stopped.frames_processed);
      const frames = processedFrames(run);
      assert.equal(frames.length, processed, 'one frame_processed line per processed frame');

      // Published (received by the subscriber) or spooled: every processed frame's message.
      if (!brokerDown)
        await waitFor(() => statuses.includes('disconnected'), {
          timeoutMs: 5000,
          what: 'the disconnected status',
        });
      const spooled = await spooledRecords(run.spoolDir);
      const delivered = new Set([...collector.ids(), ...spooled.map((r) => r.messageId)]);
      const lost = frames.filter((f) => !delivered.has(f.messageId)).map((f) => f.messageId);
      assert.deepEqual(
        lost,
        [],
        `processed frames neither published nor spooled (${spooled.length} spooled)`,
      );
      assert.ok(
        delivered.size >= processed,
        `${delivered.size} messages for ${processed} processed frames`,
      );
      const all = [...delivered].sort((a, b) => a - b);
      assert.deepEqual(
        all,
        Array.from({ length: all.length }, (_, i) => i + 1),
        'message ids published or spooled are 1..N',
      );
      if (brokerDown)
        assert.ok(spooled.length >= 50, `${spooled.length} records left in the spool`);
      else assert.equal(statuses.at(-1), 'disconnected', `status messages: ${statuses.join(', ')}`);

      // The final spans reached the OTLP sink: every processed frame's trace, the last one included, and the stop span.
      await waitFor(
        () =>
          sink.spans.some(
            (s) =>
              s.name === SPANS.lifecycle.name && s.attributes[ATTRS.lifecyclePhase.name] === 'stop',
          ),
        {
          timeoutMs: 2000,
          what: 'the lifecycle stop span',
        },
      );
      const rootTraces = new Set(
        sink.spans
          .filter((s) => s.name === SPANS.frame.name && !s.parentSpanId)
          .map((s) => s.traceId),
      );
      const lastFrame = frames.reduce((a, f) => (f.messageId > a.messageId ? f : a));
      assert.ok(
        lastFrame.traceId && rootTraces.has(lastFrame.traceId),
        `the last frame's span (trace ${lastFrame.traceId}) was not exported`,
      );
      const unexported = frames
        .filter((f) => !f.traceId || !rootTraces.has(f.traceId))
        .map((f) => f.messageId);
      assert.deepEqual(unexported, [], 'processed frames whose span never reached the collector');
    });
  }
});

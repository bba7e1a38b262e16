/**
 * Issue 5 acceptance, SIGKILL during an outage: the service spools while Mosquitto is down and is
 * then SIGKILLed; a new process on the same spool directory delivers the previous run's spooled
 * messages (with their original message_id and trace id, in order) once the broker is back.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { DetectionCollector } from '../helpers/mqtt-collector.js';
import { startMosquitto, stopAll, type Mosquitto } from '../helpers/processes.js';
import { value } from '../helpers/prom-text.js';
import { processedFrames } from '../helpers/resilience.js';
import { startService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

describe('resilience: SIGKILL while spooling, then a restart', function () {
  this.timeout(90_000);
  const collectors: DetectionCollector[] = [];

  after(async () => {
    for (const c of collectors) await c.stop();
    await stopAll();
  });

  it("delivers the previous run's spooled messages after a restart on the same spool directory", async () => {
    const mosq: Mosquitto = await startMosquitto();
    const url = `mqtt://127.0.0.1:${mosq.port}`;
    const set = {
      'mqtt.qos.data': 1,
      'mqtt.reconnect.initial_delay_ms': 200,
      'mqtt.reconnect.max_delay_ms': 1000,
    };
    const before = await DetectionCollector.start(url);
    collectors.push(before);
    const first = startService({
      brokerUrl: url,
      args: ['--max-fps', '10', '--log-level', 'debug'],
      set,
    });
    await before.waitUntil(
      (c) => c.messages.length >= 5,
      20_000,
      'live messages from the first run',
    );

    const killAt = Date.now();
    await mosq.proc.stop('SIGKILL');
    const metrics = async () => (await first.get('/metrics')).body;
    await waitFor(async () => (value(await metrics(), 'adeline_spool_messages') ?? 0) >= 20, {
      timeoutMs: 20_000,
      what: '20 spooled messages',
    });
    assert.equal(await first.proc.stop('SIGKILL'), 'SIGKILL');

    // What the first run finished while the broker was down and nobody received: it must be in the spool.
    const received = before.traceIds();
    const spooled = processedFrames(first).filter(
      (f) => f.atMs > killAt && f.traceId !== undefined && !received.has(f.traceId),
    );
    assert.ok(spooled.length >= 15, `only ${spooled.length} frames were spooled by the first run`);
    assert.ok(
      readdirSync(first.spoolDir).some((f) => f.endsWith('.seg')),
      `no spool segment in ${first.spoolDir}`,
    );

    await startMosquitto([], mosq.port); // same port; stopAll() ends it
    const after = await DetectionCollector.start(url);
    collectors.push(after);
    const second = startService({
      brokerUrl: url,
      spoolDir: first.spoolDir,
      args: ['--max-fps', '10'],
      set,
    });
    const opened = await second.waitForEvent('spool_opened');
    assert.ok(
      Number(opened.records) >= spooled.length,
      `spool_opened reports ${String(opened.records)} records, ${spooled.length} expected at least`,
    );

    const want = new Map(spooled.map((f) => [f.traceId as string, f.messageId]));
    await after.waitUntil(
      (c) => [...want.keys()].every((t) => c.traceIds().has(t)),
      30_000,
      "the first run's spooled messages",
    );

    // Each arrives with its original message_id, in the original order.
    const replayed = after.messages.filter((m) => m.traceId !== null && want.has(m.traceId));
    for (const m of replayed)
      assert.equal(
        m.messageId,
        want.get(m.traceId as string),
        `message of trace ${m.traceId} keeps its message_id`,
      );
    assert.deepEqual(
      after.orderViolations((m) => m.traceId !== null && want.has(m.traceId)),
      [],
      'replayed in order',
    );
    // Nothing was lost between the last live message and the kill.
    const ids = new Set([...before.ids(), ...replayed.map((m) => m.messageId)]);
    const maxSpooled = Math.max(...want.values());
    const missing = [];
    for (let i = 1; i <= maxSpooled; i++) if (!ids.has(i)) missing.push(i);
    assert.deepEqual(missing, [], 'message ids of the first run missing after the replay');
    await waitFor(
      async () => value((await second.get('/metrics')).body, 'adeline_spool_messages') === 0,
      { timeoutMs: 20_000, what: 'the spool to drain' },
    );
    assert.equal(await second.stop('SIGTERM'), 0, second.proc.stderr().slice(-2000));
  });
});

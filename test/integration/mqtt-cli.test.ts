import assert from 'node:assert/strict';
import { runControlCommand, type CliIo } from '../../src/cli/control.js';
import { runMonitor } from '../../src/cli/monitor.js';
import { ControlPlane } from '../../src/planes/control-plane.js';
import { DataPlane } from '../../src/planes/data-plane.js';
import type { CallPolicy } from '../../src/resilience/types.js';
import { freePort, startMosquitto, stopAll, type Mosquitto } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  quietLogs,
  FakeController,
  mqttConfig,
  registerTestTracing,
  type TestTracing,
} from './mqtt-fixtures.js';

class Capture implements CliIo {
  readonly lines: string[] = [];
  readonly errors: string[] = [];
  out = (l: string): void => void this.lines.push(l);
  err = (l: string): void => void this.errors.push(l);
  text(): string {
    return this.lines.join('\n');
  }
}

const passThrough: CallPolicy = {
  service: 'mqtt_publish',
  execute: (fn) => fn(new AbortController().signal),
  breakerState: () => 'closed',
};

describe('adeline control and adeline monitor against a real Mosquitto', function () {
  this.timeout(30_000);
  let mosq: Mosquitto;
  let plane: ControlPlane;
  let ctl: FakeController;
  let tracing: TestTracing;
  let broker: string;

  before(async () => {
    quietLogs();
    tracing = registerTestTracing();
    mosq = await startMosquitto();
    broker = `mqtt://127.0.0.1:${mosq.port}`;
    ctl = new FakeController();
    plane = new ControlPlane({ mqtt: mqttConfig(mosq.port), url: broker, controller: ctl });
    await plane.start();
  });
  after(async () => {
    await plane.stop();
    await tracing.shutdown();
    await stopAll();
  });

  it('sends a command, prints the reply and exits 0', async () => {
    const io = new Capture();
    assert.equal(
      await runControlCommand(['pause', '--broker', broker], io),
      0,
      io.errors.join('\n'),
    );
    assert.match(
      io.text(),
      /^pause: paused {2}\(\d+ ms, trace [0-9a-f]{32}, from adeline-control-/,
    );
    assert.equal(ctl.pipeline, 'paused');
    const json = new Capture();
    assert.equal(await runControlCommand(['resume', '--broker', broker, '--json'], json), 0);
    const reply = JSON.parse(json.text()) as { status: string; request_id: string };
    assert.equal(reply.status, 'running');
    assert.match(reply.request_id, /^[0-9a-f-]{36}$/);
  });

  it('continues the trace of the traceparent it sends', async () => {
    tracing.exporter.reset();
    const io = new Capture();
    assert.equal(await runControlCommand(['status', '--broker', broker], io), 0);
    const traceId = /trace ([0-9a-f]{32})/.exec(io.text())?.[1];
    const span = await waitFor(
      () => tracing.exporter.getFinishedSpans().find((s) => s.name === 'adeline.command'),
      { what: 'the command span' },
    );
    assert.equal(span.spanContext().traceId, traceId);
  });

  it('exits 1 on an error reply and prints the error', async () => {
    const io = new Capture();
    assert.equal(await runControlCommand(['dance', '--broker', broker], io), 1);
    assert.match(
      io.errors.join('\n'),
      /dance failed \[ADELINE_ERR_COMMAND_UNKNOWN\]: unknown command "dance"; valid commands: pause/,
    );
    const na = new Capture();
    assert.equal(await runControlCommand(['toggle_crop', '--broker', broker], na), 1);
    assert.match(na.errors.join('\n'), /ADELINE_ERR_COMMAND_NOT_APPLICABLE/);
  });

  it('passes --level to set_log_level and rejects set_log_level without it', async () => {
    const io = new Capture();
    assert.equal(
      await runControlCommand(['set_log_level', '--level', 'warn', '--broker', broker], io),
      0,
    );
    assert.equal(ctl.level, 'warn');
    const bad = new Capture();
    assert.equal(await runControlCommand(['set_log_level', '--broker', broker], bad), 2);
    assert.match(bad.errors.join('\n'), /needs --level/);
  });

  it('exits 2 on a timeout, an absent broker or bad usage', async () => {
    const silent = await startMosquitto();
    const t = new Capture();
    assert.equal(
      await runControlCommand(
        ['status', '--broker', `mqtt://127.0.0.1:${silent.port}`, '--timeout', '300'],
        t,
      ),
      2,
    );
    assert.match(t.errors.join('\n'), /no reply to "status" .* within 300 ms/);
    const port = await freePort();
    const down = new Capture();
    assert.equal(
      await runControlCommand(
        ['status', '--broker', `mqtt://127.0.0.1:${port}`, '--timeout', '2000'],
        down,
      ),
      2,
    );
    assert.match(down.errors.join('\n'), /ADELINE_ERR_MQTT_CONNECT.*ECONNREFUSED/);
    for (const args of [
      [],
      ['status', '--bogus'],
      ['status', '--timeout', 'soon'],
      ['status', 'pause'],
      ['status', '--broker', 'ftp://x'],
    ]) {
      const u = new Capture();
      assert.equal(await runControlCommand(args, u), 2, args.join(' '));
      assert.ok(u.errors.length > 0);
    }
    const help = new Capture();
    assert.equal(await runControlCommand(['--help'], help), 0);
    assert.match(help.text(), /Usage: adeline control <command>/);
  });

  it('monitors detections and status, and prints per-class totals at the end', async () => {
    const data = new DataPlane({
      mqtt: mqttConfig(mosq.port),
      url: broker,
      policy: passThrough,
      spool: null,
    });
    await data.start();
    const io = new Capture();
    const run = runMonitor(['all', '--broker', broker, '--count', '5'], io); // retained status + availability + 3 frames
    try {
      await waitFor(() => io.lines.some((l) => l.startsWith('[status]')), {
        what: 'the retained status line',
      });
      const person = {
        classId: 0,
        className: 'person',
        confidence: 0.9,
        box: { x1: 0, y1: 0, x2: 10, y2: 20 },
      };
      const car = { ...person, classId: 2, className: 'car', trackId: 4 };
      await data.publishFrame({
        sourceId: 0,
        seq: 1,
        capturedAtMs: Date.now(),
        width: 64,
        height: 48,
        detections: [person, car],
        roiMetrics: null,
        stabilized: false,
      });
      await data.publishFrame({
        sourceId: 0,
        seq: 2,
        capturedAtMs: Date.now(),
        width: 64,
        height: 48,
        detections: [person],
        roiMetrics: null,
        stabilized: false,
      });
      await data.publishFrame({
        sourceId: 0,
        seq: 3,
        capturedAtMs: Date.now(),
        width: 64,
        height: 48,
        detections: [],
        roiMetrics: null,
        stabilized: false,
      });
      assert.equal(await run, 0);
    } finally {
      await data.stop();
    }
    const text = io.text();
    assert.match(
      text,
      /\[det\] \d\d:\d\d:\d\d\.\d{3} #1 src 0 frame 1 {2}2: person 0\.90, car 0\.90 \(track 4\)/,
    );
    assert.match(text, /#3 src 0 frame 3 {2}no detections/);
    assert.match(
      text,
      /Totals: 3 detection messages \(2 with detections\), 0 metrics, 1 status, 1 availability/,
    );
    assert.match(text, /person +2\ncar +1/);
  });

  it('prints raw JSON with --json, totals on stderr, and stops on abort', async () => {
    const io = new Capture();
    const stop = new AbortController();
    const run = runMonitor(['status', '--broker', broker, '--json'], io, stop.signal);
    await waitFor(() => io.lines.length >= 1, { what: 'the retained status as JSON' });
    stop.abort();
    assert.equal(await run, 0);
    assert.equal(
      (JSON.parse(io.lines[0]!) as { client_id: string }).client_id,
      plane.connection.clientId,
    );
    assert.match(io.errors.join('\n'), /^Totals: 0 detection messages/);
    const bad = new Capture();
    assert.equal(await runMonitor(['everything'], bad), 2);
    assert.equal(await runMonitor(['data', '--count', '0'], bad), 2);
  });
});

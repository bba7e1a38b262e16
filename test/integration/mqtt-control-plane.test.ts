import assert from 'node:assert/strict';
import { ControlPlane } from '../../src/planes/control-plane.js';
import { resolveBrokerUrl } from '../../src/planes/broker-url.js';
import { ISO_UTC_PATTERN } from '../../src/planes/timestamp.js';
import { TRACEPARENT_PATTERN } from '../../src/planes/trace-carrier.js';
import { VALID_COMMANDS } from '../../src/planes/commands/table.js';
import { startMosquitto, stopAll, type Mosquitto } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  quietLogs,
  FakeController,
  mqttConfig,
  Observer,
  registerTestTracing,
  type TestTracing,
} from './mqtt-fixtures.js';

const STATUS = 'inference/control/status';
const COMMANDS = 'inference/control/commands';
const AVAILABILITY = 'inference/control/availability';
const METRICS = 'inference/data/metrics';

interface Reply {
  status: string;
  timestamp: string;
  client_id: string;
  command?: string;
  request_id?: string | number;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  valid_commands?: string[];
}

describe('MQTT control plane against a real Mosquitto', function () {
  this.timeout(20_000);
  let mosq: Mosquitto;
  let tracing: TestTracing;
  let seq = 0;

  before(async () => {
    quietLogs();
    tracing = registerTestTracing();
    mosq = await startMosquitto();
  });
  after(async () => {
    await tracing.shutdown();
    await stopAll();
  });

  async function setup(
    ctl = new FakeController(),
  ): Promise<{ plane: ControlPlane; obs: Observer; ctl: FakeController }> {
    const cfg = mqttConfig(mosq.port);
    const target = resolveBrokerUrl(cfg);
    assert.equal(target.kind, 'external');
    const obs = await Observer.open(mosq.port, [STATUS, AVAILABILITY, METRICS]);
    const plane = new ControlPlane({
      mqtt: cfg,
      url: target.kind === 'external' ? target.url : '',
      controller: ctl,
    });
    await plane.start();
    await obs.wait(
      STATUS,
      (m) =>
        (m.json as Reply).status === 'connected' &&
        (m.json as Reply).client_id === plane.connection.clientId,
    );
    return { plane, obs, ctl };
  }

  async function send(
    obs: Observer,
    body: Record<string, unknown>,
    props?: Record<string, string>,
  ): Promise<Reply> {
    const id = `req-${++seq}`;
    await obs.publish(COMMANDS, JSON.stringify({ ...body, request_id: id }), props);
    const m = await obs.wait(STATUS, (x) => (x.json as Reply).request_id === id);
    return m.json as Reply;
  }

  it('announces online (retained) and a connected status on connect, with a unique client id', async () => {
    const { plane, obs } = await setup();
    try {
      await obs.wait(AVAILABILITY, (m) => m.text === 'online');
      const s = obs.on(STATUS).find((m) => (m.json as Reply).status === 'connected')!.json as Reply;
      assert.match(s.timestamp, ISO_UTC_PATTERN);
      assert.match(s.client_id, /^adeline-control-[A-Za-z0-9_-]+-\d+-[0-9a-f]{6}$/);
      assert.equal(s.client_id, plane.connection.clientId);
      assert.equal(plane.connection.protocolVersion(), 5);
    } finally {
      await plane.stop();
      await obs.close();
    }
  });

  it('replies to every command with the status the spec names, plus the fixes', async () => {
    const { plane, obs, ctl } = await setup(
      new FakeController({ adaptiveRoi: true, stabilization: true }),
    );
    try {
      let r = await send(obs, { command: 'PAUSE' });
      assert.equal(r.status, 'paused', 'a paused pipeline reports paused');
      assert.equal(r.command, 'pause');
      r = await send(obs, { command: 'status' });
      assert.equal(r.status, 'paused');
      assert.equal(r.result?.pipeline_state, 'paused');
      r = await send(obs, { command: 'resume' });
      assert.equal(r.status, 'running');

      r = await send(obs, { command: 'metrics' });
      assert.equal(r.status, 'running');
      const metrics = (await obs.wait(METRICS)).json as Record<string, unknown>;
      assert.deepEqual(Object.keys(metrics), [
        'timestamp',
        'throughput_fps',
        'latency_reports',
        'sources_count',
      ]);
      assert.deepEqual(metrics.latency_reports, [
        {
          source_id: 0,
          frame_decoding_latency_ms: 1.5,
          inference_latency_ms: 42,
          e2e_latency_ms: 61.25,
        },
      ]);
      assert.equal(metrics.throughput_fps, 14.5);

      r = await send(obs, { command: 'health' });
      assert.equal(typeof r.result, 'object', 'the health report is an object, not a JSON string');
      assert.equal(r.result?.status, 'healthy');
      assert.deepEqual(Object.keys(r.result?.checks as object), ['model', 'mqtt_data']);

      r = await send(obs, { command: 'toggle_crop' });
      assert.deepEqual(r.result, { crop_enabled: true });
      r = await send(obs, { command: 'stabilization_stats' });
      assert.deepEqual(
        (r.result?.sources as Record<string, Record<string, unknown>>)['0']?.total_confirmed,
        4,
      );
      r = await send(obs, { command: 'set_log_level', level: 'DEBUG' });
      assert.deepEqual(r.result, { level: 'debug', previous: 'info' });
      assert.equal(ctl.level, 'debug');

      r = await send(obs, { command: 'stop' });
      assert.equal(r.status, 'stopped');
      assert.deepEqual(
        ctl.calls.filter((c) => c.startsWith('stop')),
        ['stop:stop command'],
      );
    } finally {
      await plane.stop();
      await obs.close();
    }
  });

  it('replies with an explicit error to commands that do not apply to the mode', async () => {
    const { plane, obs } = await setup(new FakeController());
    try {
      for (const command of ['toggle_crop', 'stabilization_stats']) {
        const r = await send(obs, { command });
        assert.equal(r.status, 'error');
        assert.equal(r.command, command);
        assert.equal(r.error?.code, 'ADELINE_ERR_COMMAND_NOT_APPLICABLE');
        assert.deepEqual(r.valid_commands, [...VALID_COMMANDS]);
      }
    } finally {
      await plane.stop();
      await obs.close();
    }
  });

  it('rejects set_log_level without a valid level, naming the valid levels', async () => {
    const { plane, obs, ctl } = await setup();
    try {
      let r = await send(obs, { command: 'set_log_level', level: 'loud' });
      assert.equal(r.error?.code, 'ADELINE_ERR_COMMAND_INVALID');
      assert.match(r.error!.message, /trace, debug, info/);
      r = await send(obs, { command: 'set_log_level' });
      assert.equal(r.error?.code, 'ADELINE_ERR_COMMAND_INVALID');
      assert.equal(ctl.level, 'info');
    } finally {
      await plane.stop();
      await obs.close();
    }
  });

  it('turns a controller that throws, hangs or returns an unencodable result into error replies', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const ctl = new FakeController({ pauseThrows: new Error('source gone'), healthChecks: cyclic });
    const cfg = mqttConfig(mosq.port);
    const obs = await Observer.open(mosq.port, [STATUS]);
    const plane = new ControlPlane({
      mqtt: cfg,
      url: `mqtt://127.0.0.1:${mosq.port}`,
      controller: ctl,
      commandTimeoutMs: 300,
    });
    await plane.start();
    try {
      let r = await send(obs, { command: 'pause' });
      assert.equal(r.error?.code, 'ADELINE_ERR_COMMAND_FAILED');
      assert.match(r.error!.message, /command "pause" failed: source gone/);
      r = await send(obs, { command: 'health' });
      assert.equal(r.error?.code, 'ADELINE_ERR_COMMAND_FAILED', JSON.stringify(r));
      assert.match(r.error!.message, /could not be encoded as JSON/);
      assert.equal(r.result, undefined);
      const slow = new FakeController({ healthDelayMs: 2000 });
      Object.assign(ctl, { health: slow.health.bind(slow) });
      r = await send(obs, { command: 'health' });
      assert.match(r.error!.message, /did not finish within 300 ms/);
      r = await send(obs, { command: 'status' });
      assert.equal(r.status, 'running', 'the plane keeps serving commands');
    } finally {
      await plane.stop();
      await obs.close();
    }
  });

  it('keeps the last state retained (not error replies) and publishes disconnected and offline on stop', async () => {
    const { plane, obs } = await setup();
    try {
      await send(obs, { command: 'pause' });
      const bad = await send(obs, { command: 'dance' });
      assert.equal(bad.error?.code, 'ADELINE_ERR_COMMAND_UNKNOWN');
      const late = await Observer.open(mosq.port, [STATUS]);
      const retained = await late.wait(STATUS);
      assert.equal(retained.retain, true);
      assert.equal((retained.json as Reply).status, 'paused');
      await late.close();
    } finally {
      await plane.stop();
    }
    await obs.wait(STATUS, (m) => (m.json as Reply).status === 'disconnected');
    await obs.wait(AVAILABILITY, (m) => m.text === 'offline');
    await plane.stop(); // idempotent
    await obs.close();
  });

  it('continues the sender trace when a command carries a traceparent', async () => {
    const { plane, obs } = await setup();
    try {
      tracing.exporter.reset();
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parentId = '00f067aa0ba902b7';
      const r = await send(
        obs,
        { command: 'status' },
        { traceparent: `00-${traceId}-${parentId}-01`, tracestate: 'vendor=x' },
      );
      assert.equal(r.status, 'running');
      const span = await waitFor(
        () => tracing.exporter.getFinishedSpans().find((s) => s.name === 'adeline.command'),
        { what: 'the command span' },
      );
      assert.equal(span.spanContext().traceId, traceId);
      assert.equal(span.parentSpanContext?.spanId, parentId);
      assert.equal(span.attributes['adeline.command.name'], 'status');
      assert.equal(span.attributes['adeline.command.outcome'], 'ok');
      const reply = obs.on(STATUS).find((m) => (m.json as Reply).request_id === r.request_id)!;
      const tp = reply.userProperties?.traceparent as string;
      assert.match(tp, TRACEPARENT_PATTERN);
      assert.equal(tp.split('-')[1], traceId, 'the reply carries the same trace');
    } finally {
      await plane.stop();
      await obs.close();
    }
  });
});

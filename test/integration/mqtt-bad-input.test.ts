import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ControlPlane } from '../../src/planes/control-plane.js';
import { DataPlane } from '../../src/planes/data-plane.js';
import { VALID_COMMANDS } from '../../src/planes/commands/table.js';
import type { CallPolicy } from '../../src/resilience/types.js';
import { startMosquitto, stopAll, type Mosquitto } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  captureGlobalLogs,
  FakeController,
  installMetrics,
  mqttConfig,
  Observer,
  type LogCapture,
  type MetricsProbe,
} from './mqtt-fixtures.js';

const STATUS = 'inference/control/status';
const COMMANDS = 'inference/control/commands';
const DATA = 'inference/data/detections';

interface Reply {
  status: string;
  client_id: string;
  command?: string;
  request_id?: string | number;
  error?: { code: string; message: string };
  valid_commands?: string[];
}

const passThrough: CallPolicy = {
  service: 'mqtt_publish',
  execute: (fn) => fn(new AbortController().signal),
  breakerState: () => 'closed',
};

/** Deterministic PRNG (mulberry32), so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fuzzPayload(rnd: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const anyValue = (depth: number): unknown => {
    const k = Math.floor(rnd() * (depth > 2 ? 5 : 7));
    if (k === 0) return null;
    if (k === 1) return rnd() < 0.5;
    if (k === 2) return (rnd() - 0.5) * 1e6;
    if (k === 3)
      return Math.random()
        .toString(36)
        .slice(2, 2 + Math.floor(rnd() * 12));
    if (k === 4)
      return pick([
        ...VALID_COMMANDS,
        'PAUSE',
        ' Status ',
        '',
        'x'.repeat(100),
        '__proto__',
        'constructor',
      ]);
    if (k === 5) return Array.from({ length: Math.floor(rnd() * 4) }, () => anyValue(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(rnd() * 4) }, () => [
        pick(['command', 'request_id', 'level', 'x']),
        anyValue(depth + 1),
      ]),
    );
  };
  switch (Math.floor(rnd() * 5)) {
    case 0:
      return randomBytes(Math.floor(rnd() * 200));
    case 1:
      return Buffer.from(JSON.stringify(anyValue(0)) ?? 'undefined');
    case 2: {
      const body: Record<string, unknown> = { command: anyValue(1) };
      if (rnd() < 0.5) body.request_id = anyValue(2);
      if (rnd() < 0.5) body.level = anyValue(2);
      return Buffer.from(JSON.stringify(body));
    }
    case 3: {
      const s = JSON.stringify({ command: pick(VALID_COMMANDS), level: 'debug' });
      return Buffer.from(s.slice(0, Math.floor(rnd() * s.length)));
    }
    default:
      return Buffer.from(
        Array.from({ length: Math.floor(rnd() * 80) }, () =>
          String.fromCharCode(32 + Math.floor(rnd() * 95)),
        ).join(''),
      );
  }
}

describe('MQTT control plane bad input', function () {
  this.timeout(30_000);
  let mosq: Mosquitto;
  let plane: ControlPlane;
  let obs: Observer;
  let ctl: FakeController;
  let probe: MetricsProbe;
  let logs: LogCapture;

  before(async () => {
    probe = installMetrics();
    logs = captureGlobalLogs('info');
    mosq = await startMosquitto(['max_queued_messages 100000', 'max_inflight_messages 0']);
    ctl = new FakeController();
    plane = new ControlPlane({
      mqtt: mqttConfig(mosq.port),
      url: `mqtt://127.0.0.1:${mosq.port}`,
      controller: ctl,
    });
    obs = await Observer.open(mosq.port, [STATUS, DATA]);
    await plane.start();
    await obs.wait(STATUS, (m) => (m.json as Reply).status === 'connected');
  });
  after(async () => {
    await plane.stop();
    await obs.close();
    await probe.stop();
    logs.restore();
    await stopAll();
  });

  const errorReplies = (): Reply[] =>
    obs
      .on(STATUS)
      .map((m) => m.json as Reply)
      .filter((r) => r.status === 'error' && r.client_id === plane.connection.clientId);

  async function sendAndWaitError(payload: Buffer | string): Promise<Reply> {
    const before = errorReplies().length;
    await obs.publish(COMMANDS, payload);
    await waitFor(() => errorReplies().length > before, {
      timeoutMs: 5000,
      what: 'an error reply',
    });
    return errorReplies()[before] as Reply;
  }

  it('rejects non-JSON, binary garbage, a 1 MB payload and JSON of the wrong shape with error replies', async () => {
    const cases: Array<[Buffer | string, string, RegExp]> = [
      ['pause please', 'ADELINE_ERR_COMMAND_INVALID', /not valid JSON/],
      [Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3]), 'ADELINE_ERR_COMMAND_INVALID', /not UTF-8/],
      [
        Buffer.alloc(1024 * 1024, 0x7b),
        'ADELINE_ERR_COMMAND_INVALID',
        /1048576 bytes; a command is at most 65536/,
      ],
      ['[1,2,3]', 'ADELINE_ERR_COMMAND_INVALID', /an array; it must be a JSON object/],
      ['42', 'ADELINE_ERR_COMMAND_INVALID', /a number/],
      ['null', 'ADELINE_ERR_COMMAND_INVALID', /null/],
      ['{"cmd":"pause"}', 'ADELINE_ERR_COMMAND_INVALID', /"command" field is missing/],
      ['{"command":5}', 'ADELINE_ERR_COMMAND_INVALID', /must be a string, not number/],
      ['{"command":"status","request_id":{"a":1}}', 'ADELINE_ERR_COMMAND_INVALID', /request_id/],
      [
        '{"command":"dance"}',
        'ADELINE_ERR_COMMAND_UNKNOWN',
        /unknown command "dance"; valid commands: pause, resume, stop/,
      ],
      ['{"command":"__proto__"}', 'ADELINE_ERR_COMMAND_UNKNOWN', /__proto__/],
    ];
    for (const [payload, code, message] of cases) {
      const r = await sendAndWaitError(payload);
      assert.equal(r.error?.code, code, String(payload).slice(0, 40));
      assert.match(r.error!.message, message);
      assert.deepEqual(r.valid_commands, [...VALID_COMMANDS]);
    }
    assert.equal(
      await probe.value('adeline_commands_total', { command: 'invalid', outcome: 'error' }),
      cases.length,
    );
    assert.equal(
      await probe.value('adeline_errors_total', {
        error_type: 'command_invalid',
        component: 'control_plane',
      }),
      cases.length - 2,
    );
    assert.equal(
      await probe.value('adeline_errors_total', {
        error_type: 'command_unknown',
        component: 'control_plane',
      }),
      2,
    );
    const logged = logs.events('command_invalid');
    assert.equal(logged.length, cases.length);
    assert.ok(logged.some((l) => l.reason === 'too_large' && l.bytes === 1024 * 1024));
    assert.deepEqual(ctl.calls, [], 'no bad payload reached the controller');
  });

  it('answers every command of a flood of 1,000, in order, while detections keep flowing', async () => {
    const data = new DataPlane({
      mqtt: mqttConfig(mosq.port),
      url: `mqtt://127.0.0.1:${mosq.port}`,
      policy: passThrough,
      spool: null,
    });
    await data.start();
    try {
      const base = `flood-${Date.now()}-`;
      const frames = (async () => {
        for (let seq = 1; seq <= 100; seq++) {
          const r = await data.publishFrame({
            sourceId: 0,
            seq,
            capturedAtMs: Date.now(),
            width: 64,
            height: 48,
            detections: [],
            roiMetrics: null,
            stabilized: false,
          });
          assert.equal(r.spooled, false);
        }
      })();
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          obs.publish(COMMANDS, JSON.stringify({ command: 'status', request_id: `${base}${i}` })),
        ),
      );
      await frames;
      const mine = (): Reply[] =>
        obs
          .on(STATUS)
          .map((m) => m.json as Reply)
          .filter((r) => String(r.request_id).startsWith(base));
      await waitFor(() => mine().length >= 1000, { timeoutMs: 15_000, what: '1,000 replies' });
      assert.deepEqual(
        mine().map((r) => r.request_id),
        Array.from({ length: 1000 }, (_, i) => `${base}${i}`),
      );
      assert.ok(mine().every((r) => r.status === 'running'));
      await waitFor(() => obs.on(DATA).length >= 100, { what: '100 detection messages' });
      assert.ok(
        logs.lines.length < 200,
        `the flood is not logged line by line (${logs.lines.length} lines)`,
      );
    } finally {
      await data.stop();
    }
  });

  it('survives a fuzz of 3,000 random payloads, replying to each exactly once', async () => {
    const rnd = prng(20251022);
    const before = obs.on(STATUS).length;
    const okBefore = await probe.value('adeline_commands_total');
    const payloads = Array.from({ length: 3000 }, () => fuzzPayload(rnd));
    for (let i = 0; i < payloads.length; i += 500) {
      await Promise.all(payloads.slice(i, i + 500).map((p) => obs.publish(COMMANDS, p)));
    }
    await waitFor(() => obs.on(STATUS).length - before >= payloads.length, {
      timeoutMs: 20_000,
      what: '3,000 replies',
    });
    const replies = obs
      .on(STATUS)
      .slice(before)
      .map((m) => m.json as Reply);
    assert.equal(replies.length, payloads.length, 'exactly one reply per payload');
    assert.ok(replies.every((r) => ['running', 'paused', 'stopped', 'error'].includes(r.status)));
    assert.equal(
      (await probe.value('adeline_commands_total')) - okBefore,
      payloads.length,
      'every payload is counted',
    );
    ctl.pipeline = 'running';
    const r = await sendAndWaitStatus(obs, 'after-fuzz');
    assert.equal(r.status, 'running', 'still answering after the fuzz');
  });
});

async function sendAndWaitStatus(obs: Observer, id: string): Promise<Reply> {
  await obs.publish(COMMANDS, JSON.stringify({ command: 'status', request_id: id }));
  return (await obs.wait(STATUS, (m) => (m.json as Reply).request_id === id)).json as Reply;
}

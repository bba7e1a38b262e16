import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConfigSchema } from '../../src/config/schema.js';
import type { FrameResult, RoiMetrics } from '../../src/domain/frame-result.js';
import { DataPlane } from '../../src/planes/data-plane.js';
import { TRACEPARENT_PATTERN } from '../../src/planes/trace-carrier.js';
import { DiskSpool } from '../../src/resilience/spool.js';
import type { CallPolicy } from '../../src/resilience/types.js';
import { startSpan, withSpan } from '../../src/telemetry/tracing.js';
import {
  freePort,
  REPO_ROOT,
  startMosquitto,
  stopAll,
  tempDir,
  type Mosquitto,
} from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  quietLogs,
  installMetrics,
  mqttConfig,
  Observer,
  registerTestTracing,
  type MetricsProbe,
  type TestTracing,
} from './mqtt-fixtures.js';

const DATA = 'inference/data/detections';

/** A policy the test opens, closes or makes hang; it otherwise passes calls through. */
class SwitchPolicy implements CallPolicy {
  readonly service = 'mqtt_publish';
  state: 'closed' | 'open' = 'closed';
  hang = false;
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.state === 'open')
      return Promise.reject(
        Object.assign(new Error('breaker open'), { name: 'BrokenCircuitError' }),
      );
    if (this.hang) return new Promise<T>(() => undefined);
    return fn(new AbortController().signal);
  }
  breakerState(): 'closed' | 'open' {
    return this.state;
  }
}

const roi: RoiMetrics = {
  enabled: true,
  crop_applied: true,
  crop_offset: [416, 0],
  roi: {
    x1: 416,
    y1: 0,
    x2: 1504,
    y2: 1080,
    width: 1088,
    height: 1080,
    area: 1175040,
    is_square: false,
  },
  performance: {
    imgsz: 320,
    size_multiple: 3.4,
    crop_ratio: 0.567,
    pixel_reduction: 0.433,
    frame_size: { height: 1080, width: 1920 },
  },
};

function frame(seq: number, over: Partial<FrameResult> = {}): FrameResult {
  return {
    sourceId: seq % 2,
    seq,
    capturedAtMs: Date.now() - 5.25,
    width: 1920,
    height: 1080,
    detections: [
      {
        classId: 0,
        className: 'person',
        confidence: 0.87,
        box: { x1: 860, y1: 340, x2: 1060, y2: 740 },
      },
    ],
    roiMetrics: null,
    stabilized: false,
    ...over,
  };
}

/** Publishes a frame inside its own root span, like the pipeline does; returns the trace id. */
async function publishInSpan(
  plane: DataPlane,
  r: FrameResult,
): Promise<{ traceId: string; spooled: boolean; messageId: number }> {
  const span = startSpan('adeline.frame', { root: true });
  try {
    const out = await withSpan(span, () => plane.publishFrame(r));
    return { traceId: span.spanContext().traceId, ...out };
  } finally {
    span.end();
  }
}

describe('MQTT data plane against a real Mosquitto', function () {
  this.timeout(30_000);
  let mosq: Mosquitto;
  let tracing: TestTracing;
  let probe: MetricsProbe;
  const schema = JSON.parse(
    readFileSync(join(REPO_ROOT, 'docs/schemas/detection.schema.json'), 'utf8'),
  ) as object;
  const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(schema);

  before(async () => {
    quietLogs();
    tracing = registerTestTracing();
    probe = installMetrics();
    mosq = await startMosquitto();
  });
  after(async () => {
    await probe.stop();
    await tracing.shutdown();
    await stopAll();
  });

  it('publishes one schema-valid message per frame, with a well-formed traceparent of the frame trace', async () => {
    const cfg = mqttConfig(mosq.port);
    const obs = await Observer.open(mosq.port, [DATA]);
    const plane = new DataPlane({
      mqtt: cfg,
      url: `mqtt://127.0.0.1:${mosq.port}`,
      policy: new SwitchPolicy(),
      spool: null,
    });
    await plane.start();
    try {
      const variants: FrameResult[] = [
        frame(1),
        frame(2, { detections: [] }),
        frame(3, { roiMetrics: roi }),
        frame(4, {
          stabilized: true,
          detections: [
            {
              classId: 2,
              className: 'car',
              confidence: 0.5,
              box: { x1: 0, y1: 0, x2: 10, y2: 20 },
              trackId: 7,
            },
          ],
        }),
        frame(5, { roiMetrics: { ...roi, roi: null, crop_applied: false } }),
      ];
      const sent: Array<Awaited<ReturnType<typeof publishInSpan>>> = [];
      for (const v of variants) sent.push(await publishInSpan(plane, v));
      await waitFor(() => obs.on(DATA).length >= variants.length, {
        what: `${variants.length} detection messages`,
      });
      const got = obs.on(DATA);
      got.forEach((m, i) => {
        assert.ok(validate(m.json), JSON.stringify(validate.errors));
        const msg = m.json as Record<string, unknown>;
        assert.equal(msg.message_id, i + 1, 'message_id counts from 1');
        assert.equal(Object.keys(msg).at(-1), 'message_id', 'message_id comes last');
        const tp = m.userProperties?.traceparent;
        assert.equal(typeof tp, 'string');
        assert.match(tp as string, TRACEPARENT_PATTERN);
        assert.equal((tp as string).split('-')[1], sent[i]!.traceId);
        assert.equal(msg.trace_id, sent[i]!.traceId);
      });
      const first = got[0]!.json as { detections: unknown[]; frame: Record<string, unknown> };
      assert.deepEqual(first.detections, [
        {
          class: 'person',
          confidence: 0.87,
          bbox: { x: 960, y: 540, width: 200, height: 400 },
          class_id: 0,
        },
      ]);
      assert.deepEqual(Object.keys(first.frame), ['frame_id', 'source_id', 'timestamp']);
      assert.deepEqual(Object.keys(got[2]!.json as object), [
        'timestamp',
        'detection_count',
        'detections',
        'frame',
        'roi_metrics',
        'trace_id',
        'message_id',
      ]);
      assert.equal(
        'roi_metrics' in (got[0]!.json as object),
        false,
        'roi_metrics only when the frame has them',
      );
      const stab = (got[3]!.json as { detections: Array<Record<string, unknown>> }).detections[0]!;
      assert.equal(stab.class_id, null);
      assert.equal(stab.track_id, 7);
      // At QoS 0 a message counts as published once a checkpoint confirmed it (live-sender.ts).
      await waitFor(
        async () =>
          (await probe.value('adeline_mqtt_messages_published_total', {
            channel: 'detections',
          })) === variants.length,
        { what: 'every message confirmed by a checkpoint' },
      );
    } finally {
      await plane.stop();
      await obs.close();
    }
  });

  it('spools while the broker is down and replays in order with the original message_id and traceparent', async () => {
    const spoolCfg = ConfigSchema.parse({
      spool: { dir: tempDir('adeline-spool-'), fsync: 'never' },
    }).spool;
    const policy = new SwitchPolicy();
    const own = await startMosquitto();
    const plane = new DataPlane({
      mqtt: mqttConfig(own.port),
      url: `mqtt://127.0.0.1:${own.port}`,
      policy,
      spool: new DiskSpool(spoolCfg),
      replayIntervalMs: 50,
    });
    await plane.start();
    try {
      const confirmed = () =>
        probe.value('adeline_mqtt_messages_published_total', { channel: 'detections' });
      const base = (await confirmed()) ?? 0;
      assert.equal((await publishInSpan(plane, frame(1))).spooled, false);
      // Confirmed before the broker goes, so it is not spooled again as unconfirmed.
      await waitFor(async () => (await confirmed()) === base + 1, { what: 'message 1 confirmed' });
      await own.stop();
      await waitFor(() => !plane.connection.isConnected(), { what: 'the connection to drop' });
      const outage: Array<Awaited<ReturnType<typeof publishInSpan>>> = [];
      for (let seq = 2; seq <= 6; seq++) outage.push(await publishInSpan(plane, frame(seq)));
      assert.ok(
        outage.every((o) => o.spooled),
        'messages go to the spool while the broker is down',
      );
      assert.equal(plane.spooled(), 5);
      assert.ok(['reconnecting', 'disconnected'].includes(plane.healthView().connection));
      assert.equal(plane.healthView().spool?.messages, 5);
      policy.state = 'open'; // hold the replay until the observer listens
      const back = await startMosquitto([], own.port);
      const obs = await Observer.open(back.port, [DATA]);
      await waitFor(() => plane.connection.isConnected(), { what: 'the reconnect' });
      assert.equal((await publishInSpan(plane, frame(7))).spooled, true, 'breaker open: spooled');
      tracing.exporter.reset();
      policy.state = 'closed';
      await waitFor(() => plane.spooled() === 0, { what: 'the spool to drain' });
      const after = await publishInSpan(plane, frame(8));
      assert.equal(after.spooled, false, 'direct again once the spool is empty');
      await waitFor(() => obs.on(DATA).length >= 7, { what: '7 messages after recovery' });
      const ids = obs.on(DATA).map((m) => (m.json as { message_id: number }).message_id);
      assert.deepEqual(ids, [2, 3, 4, 5, 6, 7, 8], 'in order, none missing');
      obs
        .on(DATA)
        .slice(0, 5)
        .forEach((m, i) =>
          assert.equal((m.userProperties?.traceparent as string).split('-')[1], outage[i]!.traceId),
        );
      const replays = tracing.exporter
        .getFinishedSpans()
        .filter((s) => s.name === 'adeline.spool.replay');
      assert.equal(replays.length, 6);
      assert.equal(
        replays[0]!.links[0]?.context.traceId,
        outage[0]!.traceId,
        'the replay span links to the frame trace',
      );
      assert.equal(
        await probe.value('adeline_mqtt_messages_failed_total', {
          channel: 'detections',
          reason: 'disconnected',
        }),
        5,
      );
      assert.equal(
        await probe.value('adeline_mqtt_messages_published_total', { channel: 'replay' }),
        6,
      );
      await obs.close();
    } finally {
      await plane.stop();
    }
  });

  it('drain() spools publishes that do not finish in time and resolves their callers', async () => {
    const spoolCfg = ConfigSchema.parse({
      spool: { dir: tempDir('adeline-spool-'), fsync: 'never' },
    }).spool;
    const policy = new SwitchPolicy();
    const spool = new DiskSpool(spoolCfg);
    const plane = new DataPlane({
      mqtt: mqttConfig(mosq.port),
      url: `mqtt://127.0.0.1:${mosq.port}`,
      policy,
      spool,
    });
    await plane.start();
    try {
      policy.hang = true;
      const pending = [plane.publishFrame(frame(1)), plane.publishFrame(frame(2))];
      await plane.drain(100);
      const out = await Promise.all(pending);
      assert.deepEqual(out, [
        { messageId: 1, spooled: true },
        { messageId: 2, spooled: true },
      ]);
      assert.equal(spool.size(), 2);
      assert.deepEqual(
        await plane.publishFrame(frame(3)),
        { messageId: 3, spooled: true },
        'after drain, frames go to the spool',
      );
    } finally {
      await plane.stop();
      await plane.stop();
    }
  });

  it('rejects a frame it cannot publish when there is no spool, and counts it', async () => {
    const port = await freePort();
    const plane = new DataPlane({
      mqtt: mqttConfig(port),
      url: `mqtt://127.0.0.1:${port}`,
      policy: new SwitchPolicy(),
      spool: null,
    });
    try {
      await plane.start();
      const before = await probe.value('adeline_mqtt_messages_failed_total', {
        channel: 'detections',
        reason: 'disconnected',
      });
      await assert.rejects(plane.publishFrame(frame(1)), {
        code: 'ADELINE_ERR_MQTT_PUBLISH',
        message: /spool.enabled is false/,
      });
      assert.equal(
        await probe.value('adeline_mqtt_messages_failed_total', {
          channel: 'detections',
          reason: 'disconnected',
        }),
        before + 1,
      );
      assert.equal(plane.healthView().spool, null);
    } finally {
      await plane.stop();
    }
  });
});

/**
 * Acceptance (issue 12): the real Ultralytics exports in ../shared/realworld/ on frames of the
 * real videos. The service is run as a user runs it (`adeline run --source VIDEO --model M
 * --frames N` against a real Mosquitto, detections read by an MQTT subscriber); an independent
 * reference (realworld-reference.ts: its own letterbox, ONNX Runtime session, decode and NMS)
 * decodes the same frames. At least 90 % of the reference's person boxes must be matched at
 * IoU ≥ 0.5, with no more than 10 % extra. `adeline model info` must print the derived
 * preprocessing of each model.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { isolatedRunArgs, runAdeline } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { REPO_ROOT, startMosquitto, stopAll, type Mosquitto } from '../helpers/processes.js';
import { matchBoxes, readFrames, ReferenceDetector, type RefBox } from './realworld-reference.js';

const REAL = join(REPO_ROOT, '..', 'shared', 'realworld');
const CONF = 0.25;
const IOU = 0.45;
const PERSON = 0;

interface Case {
  model: string;
  size: number;
  video: string;
  /** The first `frames` frames of the video (kept small: about 60 ms per frame at 640 here). */
  frames: number;
}

const CASES: Case[] = [
  { model: 'yolov8n_int8.onnx', size: 640, video: 'street.mp4', frames: 3 },
  { model: 'yolov8n_int8.onnx', size: 640, video: 'people.mp4', frames: 3 },
  { model: 'yolo11n_int8.onnx', size: 320, video: 'street.mp4', frames: 6 },
  { model: 'yolo11n_int8.onnx', size: 320, video: 'people.mp4', frames: 6 },
];

interface Message {
  frame: { frame_id: number };
  detections: Array<{
    class: string;
    confidence: number;
    bbox: { x: number; y: number; width: number; height: number };
  }>;
}

/** Runs the service on the first `frames` frames and returns the person boxes per frame index (0-based). */
async function serviceDetections(
  broker: Mosquitto,
  c: Case,
  frames: number,
): Promise<Map<number, RefBox[]>> {
  const topic = `realworld/${c.model}/${c.video}/${Date.now()}`;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
    protocolVersion: 4,
    connectTimeout: 5000,
  });
  const byFrame = new Map<number, RefBox[]>();
  client.on('message', (_t, payload) => {
    const m = JSON.parse(payload.toString('utf8')) as Message;
    // frame_id counts from 1 (docs/sources.md): frame_id 1 is the file's frame 0.
    byFrame.set(
      m.frame.frame_id - 1,
      m.detections
        .filter((d) => d.class === 'person')
        .map((d) => ({
          cls: PERSON,
          score: d.confidence,
          x1: d.bbox.x - d.bbox.width / 2,
          y1: d.bbox.y - d.bbox.height / 2,
          x2: d.bbox.x + d.bbox.width / 2,
          y2: d.bbox.y + d.bbox.height / 2,
        })),
    );
  });
  await client.subscribeAsync(topic, { qos: 1 });
  try {
    const r = await runAdeline(
      [
        'run',
        ...isolatedRunArgs(),
        '--source',
        join(REAL, c.video),
        '--model',
        join(REAL, c.model),
        '--max-fps',
        '0',
        '--frames',
        String(frames),
        '--set',
        `mqtt.broker.host=127.0.0.1`,
        '--set',
        `mqtt.broker.port=${broker.port}`,
        '--set',
        `mqtt.topics.data=${topic}`,
        '--set',
        'mqtt.qos.data=1',
        '--set',
        `models.confidence=${CONF}`,
        '--set',
        `models.iou_threshold=${IOU}`,
      ],
      { timeoutMs: 60_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    // The derived preprocessing is logged at load.
    assert.match(
      r.stdout,
      /"event":"model_preprocess".*"preprocess":"rgb, scale 1\/255, letterbox centred, pad 114"/,
    );
    // Every processed frame was published before the service exited (QoS 1, drained at stop);
    // the subscriber may still be reading the last ones.
    await waitFor(() => byFrame.size >= frames, {
      timeoutMs: 5000,
      what: `${frames} detection messages`,
    });
    return byFrame;
  } finally {
    await client.endAsync();
  }
}

describe('real models on real video agree with an independent reference decoding', function () {
  this.timeout(120_000);
  let broker: Mosquitto;

  before(async () => {
    for (const f of ['yolov8n_int8.onnx', 'yolo11n_int8.onnx', 'street.mp4', 'people.mp4'])
      assert.ok(existsSync(join(REAL, f)), `${f} is in ../shared/realworld`);
    broker = await startMosquitto();
  });
  after(() => stopAll());

  for (const c of CASES) {
    it(`${c.model} at ${c.size} on ${c.video}: ≥ 90 % of the reference's person boxes matched at IoU ≥ 0.5, ≤ 10 % extra`, async () => {
      const { width, height, frames } = readFrames(join(REAL, c.video), c.frames);
      assert.equal(frames.length, c.frames);
      const ref = await ReferenceDetector.open(join(REAL, c.model));
      assert.equal(ref.size, c.size, 'model input size');
      const expected: RefBox[][] = [];
      try {
        for (const f of frames)
          expected.push(
            (await ref.detect(f, width, height, CONF, IOU)).filter((b) => b.cls === PERSON),
          );
      } finally {
        await ref.close();
      }
      const got = await serviceDetections(broker, c, c.frames);
      let refCount = 0;
      let gotCount = 0;
      let matched = 0;
      for (let i = 0; i < c.frames; i++) {
        const service = got.get(i);
        assert.ok(service, `the service published frame ${i} (frame_id ${i + 1})`);
        refCount += expected[i]!.length;
        gotCount += service.length;
        matched += matchBoxes(expected[i]!, service, 0.5);
      }
      assert.ok(refCount >= c.frames, `the reference sees people (${refCount} boxes)`);
      const recall = matched / refCount;
      const extra = (gotCount - matched) / refCount;
      console.log(
        `      ${c.model} ${c.video}: reference ${refCount} person boxes, service ${gotCount}, matched ${matched} (${(recall * 100).toFixed(1)} %), extra ${gotCount - matched}`,
      );
      assert.ok(
        recall >= 0.9,
        `matched ${matched} of ${refCount} reference person boxes (${(recall * 100).toFixed(1)} %)`,
      );
      assert.ok(
        extra <= 0.1,
        `${gotCount - matched} extra person boxes against ${refCount} (${(extra * 100).toFixed(1)} %)`,
      );
    });
  }

  for (const [model, size] of [
    ['yolov8n_int8.onnx', 640],
    ['yolo11n_int8.onnx', 320],
  ] as const) {
    it(`model info prints the preprocessing derived from ${model}'s Ultralytics metadata`, async () => {
      const r = await runAdeline(['model', 'info', join(REAL, model)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        new RegExp(`^Input\\s+images float32 \\[1, 3, ${size}, ${size}\\]`, 'm'),
      );
      assert.match(r.stdout, /^Preprocess rgb, scale 1\/255, letterbox centred, pad 114$/m);
      assert.match(r.stdout, /^\s+auto: Ultralytics metadata \(metadata author "Ultralytics"\)$/m);
      for (const [key, value] of [
        ['channel_order', 'rgb'],
        ['scale', '1/255'],
        ['mean', 'none'],
        ['std', 'none'],
        ['resize', 'letterbox'],
        ['pad_value', '114'],
        ['pad_position', 'center'],
      ])
        assert.match(
          r.stdout,
          new RegExp(
            `^  models\\.preprocess\\.${key}\\s+${value.replace('/', '\\/')}\\s+\\(auto\\)$`,
            'm',
          ),
        );
    });
  }
});

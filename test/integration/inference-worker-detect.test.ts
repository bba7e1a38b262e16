/**
 * The pipeline's path through the worker (prepareFrame → detect): preprocessing, inference and
 * decode+NMS in the inference worker give exactly what prepare → infer → decode gives on the main
 * thread, on real frames of ../shared/realworld/street.mp4 with both real models; bad input is
 * refused and a crashed worker does not leak frame buffers.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isAdelineError } from '../../src/domain/errors.js';
import { InferenceEngine, type EngineOptions } from '../../src/inference/index.js';
import { setLogLevel } from '../../src/telemetry/logger.js';
import { REPO_ROOT, tempDir } from '../helpers/processes.js';
import { constantModel, writeModel, yolov8Output } from '../fixtures/onnx-models.js';

const REAL = join(REPO_ROOT, '..', 'shared', 'realworld');
const W = 1280;
const H = 720;

/** Frames of street.mp4 at the given seconds, decoded by ffmpeg to RGB24. */
function streetFrames(seconds: number[]): Uint8Array[] {
  return seconds.map((t) => {
    const out = execFileSync(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-ss', String(t), '-i', join(REAL, 'street.mp4')],
        ...['-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      ],
      { maxBuffer: 16 << 20 },
    );
    assert.equal(out.length, W * H * 3);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  });
}

function options(modelPath: string, extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    modelPath,
    layout: 'auto',
    labelsFile: null,
    intraOpThreads: 1,
    imgsz: 640,
    confidence: 0.25,
    iouThreshold: 0.45,
    poolSize: 3,
    ...extra,
  };
}

describe('detection in the inference worker', function () {
  this.timeout(60_000);
  let previousLevel = 'info';
  before(() => (previousLevel = setLogLevel('silent')));
  after(() => setLogLevel(previousLevel));

  for (const model of ['yolov8n_int8.onnx', 'yolo11n_int8.onnx']) {
    it(`finds exactly what the main-thread path finds on real frames (${model}, with and without an ROI)`, async () => {
      const frames = streetFrames([0.5, 3, 7]);
      const engine = await InferenceEngine.open(options(join(REAL, model)));
      try {
        let total = 0;
        for (const data of frames) {
          for (const roi of [null, { x1: 200, y1: 100, x2: 1100, y2: 700 }]) {
            const here = engine.prepare(data, W, H, roi);
            const want = engine.decode(await engine.infer(here), here);
            const got = (await engine.detect(engine.prepareFrame(data, W, H, roi))).detections;
            assert.deepEqual(got, want);
            total += got.length;
          }
        }
        assert.ok(total > 10, `real people are found (${total} detections)`);
      } finally {
        await engine.close();
      }
    });
  }

  describe('with a generated model', () => {
    const dir = tempDir('adeline-worker-detect-');
    const modelPath = writeModel(
      dir,
      'v8.onnx',
      constantModel({
        outputs: [
          {
            name: 'output0',
            dims: [1, 6, 84],
            data: yolov8Output(2, 84, [{ cx: 32, cy: 32, w: 16, h: 8, cls: 1, score: 0.9 }]),
          },
        ],
      }),
    );
    const frame = new Uint8Array(64 * 64 * 3).fill(255);
    let engine: InferenceEngine;
    let previousEnv: string | undefined;
    before(() => {
      previousEnv = process.env.ADELINE_TEST_FAULTS;
      process.env.ADELINE_TEST_FAULTS = '1';
    });
    after(() => {
      if (previousEnv === undefined) delete process.env.ADELINE_TEST_FAULTS;
      else process.env.ADELINE_TEST_FAULTS = previousEnv;
    });
    beforeEach(
      async () => (engine = await InferenceEngine.open(options(modelPath, { imgsz: 64 }))),
    );
    afterEach(() => engine.close());

    it('reports the worker stage times in order, in epoch milliseconds', async () => {
      const before = performance.timeOrigin + performance.now();
      const r = await engine.detect(engine.prepareFrame(frame, 64, 64, null));
      const after = performance.timeOrigin + performance.now();
      const times = [r.preprocessStartMs, r.workerStartMs, r.workerEndMs, r.postprocessEndMs];
      assert.deepEqual(
        [...times].sort((a, b) => a - b),
        times,
      );
      assert.ok(times[0]! >= before - 1 && times[3]! <= after + 1, `${before} ${times} ${after}`);
      assert.equal(r.inferenceMs, r.workerEndMs - r.workerStartMs);
      assert.equal(r.detections.length, 1);
    });

    it('rejects detecting a prepared frame twice, and frames with too few bytes or no size', async () => {
      const p = engine.prepareFrame(frame, 64, 64, null);
      await engine.detect(p);
      await assert.rejects(engine.detect(p), TypeError);
      assert.throws(() => engine.prepareFrame(frame.subarray(10), 64, 64, null), RangeError);
      assert.throws(() => engine.prepareFrame(frame, 0, 64, null), RangeError);
      assert.throws(
        () => engine.prepareFrame([1, 2, 3] as unknown as Uint8Array, 1, 1, null),
        TypeError,
      );
    });

    it('fails a frame whose ROI lies outside it in the worker, and keeps working', async () => {
      const bad = engine.prepareFrame(frame, 64, 64, { x1: 10, y1: 10, x2: 90, y2: 20 });
      await assert.rejects(engine.detect(bad), (e: unknown) =>
        isAdelineError(e, 'ADELINE_ERR_INFERENCE'),
      );
      assert.equal(
        (await engine.detect(engine.prepareFrame(frame, 64, 64, null))).detections.length,
        1,
      );
    });

    it('gives the frame buffers back after a worker crash and detects again after the restart', async () => {
      engine.setFault({ kind: 'crash', count: 1 });
      const runs = [0, 1].map(() => engine.detect(engine.prepareFrame(frame, 64, 64, null)));
      for (const r of runs)
        await assert.rejects(r, (e: unknown) => isAdelineError(e, 'ADELINE_ERR_WORKER_CRASHED'));
      // Every buffer of the pool is usable again (the lost ones were replaced).
      const all = [0, 1, 2].map(() => engine.prepareFrame(frame, 64, 64, null));
      assert.throws(
        () => engine.prepareFrame(frame, 64, 64, null),
        /all 3 frame buffers are in use/,
      );
      const found = await Promise.all(all.map((p) => engine.detect(p)));
      assert.deepEqual(
        found.map((f) => f.detections.length),
        [1, 1, 1],
      );
    });
  });
});

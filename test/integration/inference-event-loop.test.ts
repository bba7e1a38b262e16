/**
 * DESIGN.md: inference runs off the main thread. With a YOLOv8n-sized model inferring back to
 * back (two frames in flight; letterbox and decode on the main thread), the main event loop's
 * longest delay stays under 20 ms. If session.run ran on the main thread, each run would block
 * the loop for the whole inference (the test checks that is well over 20 ms).
 *
 * This machine is shared, so the loop also stalls when the process is descheduled. The test
 * measures up to three windows and passes on the first whose maximum is under 20 ms. If none is,
 * it measures the idle loop after each and fails unless, in some window, the excess over the idle
 * maximum stays under 20 ms (a blocking session.run would add a whole inference to every frame).
 */
import { strict as assert } from 'node:assert';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { InferenceEngine } from '../../src/inference/index.js';
import { setLogLevel } from '../../src/telemetry/logger.js';
import { tempDir } from '../helpers/processes.js';
import { writeModel, yolov8nSizedModel } from '../fixtures/onnx-models.js';

const RUN_MS = 1500;
const WINDOWS = 3;
const LIMIT_MS = 20;

/** Collects the fixture's garbage (building the model allocates ~30 MB) before measuring. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function measure(
  work: () => Promise<void>,
): Promise<ReturnType<typeof monitorEventLoopDelay>> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await work();
  h.disable();
  return h;
}

describe('inference and the main event loop', function () {
  this.timeout(30_000);
  let engine: InferenceEngine;
  let previousLevel = 'info';

  before(async () => {
    previousLevel = setLogLevel('silent');
    const path = writeModel(
      tempDir('adeline-eld-'),
      'yolov8n-sized-480.onnx',
      // 480 keeps each run well above 20 ms even on a quiet machine (the check needs that).
      yolov8nSizedModel({ imgsz: 480 }),
    );
    engine = await InferenceEngine.open({
      modelPath: path,
      layout: 'auto',
      labelsFile: null,
      intraOpThreads: 1,
      imgsz: 480,
      confidence: 0.25,
      iouThreshold: 0.45,
      poolSize: 2,
    });
  });
  after(async () => {
    await engine?.close();
    setLogLevel(previousLevel);
  });

  it('keeps the main event loop delay under 20 ms while inference runs at full speed', async () => {
    const frame = new Uint8Array(640 * 480 * 3);
    for (let i = 0; i < frame.length; i++) frame[i] = (i * 31) & 255;
    const inferMs: number[] = [];
    const step = async (): Promise<void> => {
      const input = engine.prepare(frame, 640, 480, null);
      const raw = await engine.infer(input);
      engine.decode(raw, input);
      inferMs.push(raw.inferenceMs);
    };
    // Warm up (JIT, resampling tables, output buffer reuse), then start from a clean heap.
    for (let i = 0; i < 3; i++) await step();
    inferMs.length = 0;
    collectGarbage();
    let deadline = 0;
    const chain = async (): Promise<void> => {
      while (performance.now() < deadline) await step();
    };
    const windows: string[] = [];
    let explained = false;
    for (let w = 0; w < WINDOWS; w++) {
      inferMs.length = 0;
      const busy = await measure(() => {
        deadline = performance.now() + RUN_MS;
        return Promise.all([chain(), chain()]).then(() => undefined);
      });
      const maxMs = busy.max / 1e6;
      const median = [...inferMs].sort((a, b) => a - b)[Math.floor(inferMs.length / 2)]!;
      const summary = `max ${maxMs.toFixed(1)} ms, p99 ${(busy.percentile(99) / 1e6).toFixed(1)} ms, ${inferMs.length} frames, median inference ${median.toFixed(1)} ms`;
      assert.ok(inferMs.length >= 5, `too few frames: ${summary}`);
      assert.ok(median > LIMIT_MS, `the model is too light to show blocking: ${summary}`);
      if (maxMs < LIMIT_MS) return;
      const idleMax = (await measure(() => new Promise((r) => setTimeout(r, RUN_MS)))).max / 1e6;
      windows.push(`${summary}; idle max ${idleMax.toFixed(1)} ms`);
      if (maxMs - idleMax < LIMIT_MS) explained = true;
    }
    assert.ok(
      explained,
      `event-loop delay over ${LIMIT_MS} ms in every window:\n${windows.join('\n')}`,
    );
  });
});

/**
 * The inference engine alone, in this process, at full speed: two frames in flight (frame N+1 is
 * rendered and letterboxed while frame N is in the worker), each decoded when it comes back, as
 * the pipeline does. monitorEventLoopDelay measures the main event loop meanwhile (issue 2).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { InferenceEngine } from '../../src/inference/index.js';
import { SyntheticSource } from '../../src/source/synthetic/synthetic-source.js';
import { sleep } from './clock.js';
import { round } from './stats.js';

export interface EngineLoopResult {
  fps: number;
  frames: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

export async function engineLoop(
  modelPath: string,
  threads: number,
  warmupS: number,
  windowS: number,
): Promise<EngineLoopResult> {
  const engine = await InferenceEngine.open({
    modelPath,
    layout: 'auto',
    labelsFile: null,
    intraOpThreads: threads,
    imgsz: 640,
    confidence: 0.25,
    iouThreshold: 0.45,
    poolSize: 3,
    quiet: true,
  });
  const source = new SyntheticSource({
    id: 0,
    width: 640,
    height: 480,
    fps: 15,
    seed: 42,
    maxFigures: 3,
    fallProbability: 0.3,
    live: false,
  });
  await source.start();
  let running = true;
  let frames = 0;
  const lane = async (): Promise<void> => {
    while (running) {
      const frame = await source.next();
      if (!frame) return;
      const input = engine.prepare(frame.data, frame.width, frame.height, null);
      frame.release();
      const raw = await engine.infer(input);
      engine.decode(raw, input);
      frames++;
    }
  };
  try {
    const lanes = [lane(), lane()];
    await sleep(warmupS * 1000);
    const h = monitorEventLoopDelay({ resolution: 1 });
    const f0 = frames;
    const t0 = performance.now();
    h.enable();
    await sleep(windowS * 1000);
    h.disable();
    const t1 = performance.now();
    const f1 = frames;
    running = false;
    await Promise.all(lanes);
    return {
      fps: round(((f1 - f0) * 1000) / (t1 - t0), 2),
      frames: f1 - f0,
      eventLoopDelayMs: {
        p50: round(h.percentile(50) / 1e6, 2),
        p99: round(h.percentile(99) / 1e6, 2),
        max: round(h.max / 1e6, 2),
      },
    };
  } finally {
    running = false;
    await source.stop();
    await engine.close();
  }
}

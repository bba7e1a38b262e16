/**
 * The baseline of the pipeline-efficiency ratio: a bare onnxruntime-node loop, run as its own
 * process. It runs the model back to back on one preprocessed input (a synthetic-scene frame,
 * letterboxed with the service's own Letterboxer), with the service's intra-op threads, writing
 * into a preallocated output like the worker does. OPTIONS is `service` (the worker's session
 * options, src/inference/session-options.ts: no intra-op spinning) or `ort-default` (the same with
 * ONNX Runtime's default spinning); the suite takes the faster of the two as the limit.
 * Prints one JSON line: runs/s and the run-time distribution.
 *
 *   node --import tsx bench/children/bare-ort.ts MODEL THREADS WARMUP_S WINDOW_S OPTIONS
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { Letterboxer } from '../../src/inference/letterbox.js';
import { sessionOptions } from '../../src/inference/session-options.js';
import { SyntheticScene } from '../../src/source/synthetic/scene.js';
import { distribution } from '../lib/stats.js';

const [model, threadsArg, warmupArg, windowArg, optionsArg] = process.argv.slice(2);
if (!model) throw new Error('usage: bare-ort.ts MODEL THREADS WARMUP_S WINDOW_S [OPTIONS]');
const options = optionsArg === 'ort-default' ? 'ort-default' : 'service';
const threads = Number(threadsArg ?? 2);
const warmupMs = Number(warmupArg ?? 2) * 1000;
const windowMs = Number(windowArg ?? 8) * 1000;

const chosen = sessionOptions(threads);
if (options === 'ort-default') delete chosen.extra; // ONNX Runtime's default: spinning on
const session = await InferenceSession.create(model, chosen);
const meta = session.inputMetadata[0];
if (!meta?.isTensor) throw new Error(`${model}: the first input is not a tensor`);
const [, , h, w] = meta.shape.map(Number);
if (!h || !w) throw new Error(`${model}: input shape ${JSON.stringify(meta.shape)} is not fixed`);

// One frame of the service's default source (640x480 synthetic scene), preprocessed once.
const scene = new SyntheticScene({
  width: 640,
  height: 480,
  fps: 15,
  seed: 42,
  maxFigures: 3,
  fallProbability: 0.3,
});
const frame = new Uint8Array(640 * 480 * 3);
scene.renderInto(frame);
const input = new Float32Array(3 * w * h);
new Letterboxer(w, h).run(frame, 640, 480, null, input);
const feeds = { [session.inputNames[0]!]: new Tensor('float32', input, [1, 3, h, w]) };
const outName = session.outputNames[0]!;

const first = await session.run(feeds);
const outDims = (first[outName] as Tensor).dims.map(Number);
const out = new Tensor('float32', new Float32Array(outDims.reduce((a, b) => a * b, 1)), outDims);
const fetches = { [outName]: out };

async function loop(ms: number, times: number[] | null): Promise<number> {
  const end = performance.now() + ms;
  let runs = 0;
  while (performance.now() < end) {
    const t0 = performance.now();
    await session.run(feeds, fetches);
    times?.push(performance.now() - t0);
    runs++;
  }
  return runs;
}

await loop(warmupMs, null);
const times: number[] = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const runs = await loop(windowMs, times);
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await session.release();
process.stdout.write(
  JSON.stringify({
    model,
    input: [1, 3, h, w],
    output: outDims,
    threads,
    options,
    runs,
    fps: runs / wallS,
    cores: (cpu.user + cpu.system) / 1e6 / wallS,
    runMs: distribution(times),
  }) + '\n',
);

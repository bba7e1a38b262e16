/**
 * Worker failures on the real worker and ONNX Runtime, simulated with the fault-injection hook
 * (ADELINE_TEST_FAULTS=1): a crash restarts the worker and rejects pending runs, a hang times out
 * and restarts it, a failed run is reported without a restart, and the engine recovers.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, renameSync } from 'node:fs';
import { isAdelineError, type ErrorCode } from '../../src/domain/errors.js';
import { InferenceEngine, type EngineOptions } from '../../src/inference/index.js';
import { setLogLevel } from '../../src/telemetry/logger.js';
import { tempDir } from '../helpers/processes.js';
import { constantModel, writeModel, yolov8Output } from '../fixtures/onnx-models.js';

const dir = tempDir('adeline-inference-faults-');
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
const options: EngineOptions = {
  modelPath,
  layout: 'auto',
  labelsFile: null,
  intraOpThreads: 1,
  imgsz: 64,
  confidence: 0.25,
  iouThreshold: 0.45,
  poolSize: 3,
};
const frame = new Uint8Array(64 * 64 * 3).fill(255);

const hasCode = (code: ErrorCode) => (e: unknown) => isAdelineError(e, code);

describe('InferenceEngine worker failures', function () {
  this.timeout(20_000);
  let engine: InferenceEngine;
  let previousLevel = 'info';
  let previousEnv: string | undefined;

  const run = () => engine.infer(engine.prepare(frame, 64, 64, null));
  async function detectsOne(): Promise<void> {
    const input = engine.prepare(frame, 64, 64, null);
    assert.equal(engine.decode(await engine.infer(input), input).length, 1);
  }

  before(() => {
    previousLevel = setLogLevel('silent');
    previousEnv = process.env.ADELINE_TEST_FAULTS;
    process.env.ADELINE_TEST_FAULTS = '1';
  });
  after(() => {
    setLogLevel(previousLevel);
    if (previousEnv === undefined) delete process.env.ADELINE_TEST_FAULTS;
    else process.env.ADELINE_TEST_FAULTS = previousEnv;
  });
  beforeEach(async () => (engine = await InferenceEngine.open(options)));
  afterEach(() => engine.close());

  it('restarts a crashed worker, rejects the pending runs, and works again', async () => {
    engine.setFault({ kind: 'crash', count: 1 });
    await Promise.all([
      assert.rejects(run(), hasCode('ADELINE_ERR_WORKER_CRASHED')),
      assert.rejects(run(), hasCode('ADELINE_ERR_WORKER_CRASHED')),
    ]);
    assert.equal(engine.workerRestarts, 1);
    await detectsOne();
    // The inputs lost with the worker were replaced: the whole pool is usable.
    const all = [0, 1, 2].map(() => engine.prepare(frame, 64, 64, null));
    all.forEach((i) => engine.release(i));
  });

  it('times out a hung run, restarts the worker, fails the run waiting in it, and serves the queued run on the new one', async () => {
    engine.setFault({ kind: 'hang', count: 1 });
    const hung = engine.infer(engine.prepare(frame, 64, 64, null), { timeoutMs: 300 });
    // Handed to the worker behind the hung run (two runs are in the worker at once): lost with it.
    const behind = engine.infer(engine.prepare(frame, 64, 64, null), { timeoutMs: 5000 });
    // Still queued on the main thread: goes to the new worker.
    const queued = engine.infer(engine.prepare(frame, 64, 64, null), { timeoutMs: 5000 });
    const [, , raw] = await Promise.all([
      assert.rejects(
        hung,
        (e: unknown) =>
          isAdelineError(e, 'ADELINE_ERR_INFERENCE_TIMEOUT') &&
          /longer than 300 ms/.test(e.message),
      ),
      assert.rejects(
        behind,
        (e: unknown) =>
          isAdelineError(e, 'ADELINE_ERR_INFERENCE') && /before this run started/.test(e.message),
      ),
      queued,
    ]);
    assert.deepEqual(raw.dims, [1, 6, 84]);
    assert.equal(engine.workerRestarts, 1);
    // The two inputs lost with the worker were replaced: the whole pool is usable.
    const all = [0, 1, 2].map(() => engine.prepare(frame, 64, 64, null));
    all.forEach((i) => engine.release(i));
  });

  it('hands the next run to the worker before the main thread has seen the last result', async () => {
    await detectsOne(); // warm
    const a = engine.infer(engine.prepare(frame, 64, 64, null));
    const b = engine.infer(engine.prepare(frame, 64, 64, null));
    // Keep the main thread busy: a worker that waited for it to send the next input would idle.
    const busyUntil = performance.now() + 150;
    while (performance.now() < busyUntil);
    const [ra, rb] = await Promise.all([a, b]);
    const gap = rb.workerStartMs - ra.workerEndMs;
    assert.ok(gap >= 0, `runs in order (gap ${gap} ms)`);
    assert.ok(gap < 50, `the second run started ${gap.toFixed(1)} ms after the first ended`);
  });

  it('uses the default inferTimeoutMs when infer() sets none', async () => {
    await engine.close();
    engine = await InferenceEngine.open({
      ...options,
      inferTimeoutMs: 250,
      faultInjection: { kind: 'hang', count: 1 },
    });
    await assert.rejects(run(), hasCode('ADELINE_ERR_INFERENCE_TIMEOUT'));
    await detectsOne();
  });

  it('reports a failed run without restarting the worker, and returns its tensor', async () => {
    engine.setFault({ kind: 'error', count: 3 });
    for (let i = 0; i < 3; i++)
      await assert.rejects(
        run(),
        (e: unknown) => isAdelineError(e, 'ADELINE_ERR_INFERENCE') && /injected/.test(e.message),
      );
    assert.equal(engine.workerRestarts, 0);
    await detectsOne();
  });

  it('keeps failing while the fault lasts, probes included, and recovers when it is cleared', async () => {
    engine.setFault({ kind: 'crash' });
    for (let i = 0; i < 3; i++) await assert.rejects(run(), hasCode('ADELINE_ERR_WORKER_CRASHED'));
    await assert.rejects(engine.probe(), hasCode('ADELINE_ERR_WORKER_CRASHED'));
    assert.equal(engine.workerRestarts, 4);
    engine.setFault(null);
    assert.ok((await engine.probe()) >= 0);
    await detectsOne();
  });

  it('restarts on request and counts it', async () => {
    await engine.restart();
    await engine.restart();
    assert.equal(engine.workerRestarts, 2);
    await detectsOne();
  });

  it('rejects the run in flight when restarted on request, then serves new runs', async () => {
    engine.setFault({ kind: 'hang', count: 1 });
    const hung = assert.rejects(
      run(),
      (e: unknown) => isAdelineError(e, 'ADELINE_ERR_INFERENCE') && /restarted/.test(e.message),
    );
    await engine.restart();
    await hung;
    await detectsOne();
  });

  it('reports a worker that cannot be restarted, and recovers once the model is back', async () => {
    const path = `${dir}/movable.onnx`;
    copyFileSync(modelPath, path);
    await engine.close();
    engine = await InferenceEngine.open({ ...options, modelPath: path });
    renameSync(path, `${path}.away`);
    engine.setFault({ kind: 'crash', count: 1 });
    await assert.rejects(run(), hasCode('ADELINE_ERR_WORKER_CRASHED'));
    await assert.rejects(
      run(),
      (e: unknown) =>
        isAdelineError(e, 'ADELINE_ERR_WORKER_CRASHED') && /could not be restarted/.test(e.message),
    );
    renameSync(`${path}.away`, path);
    await detectsOne();
  });

  it('rejects a run in flight when the engine closes, without waiting for it', async () => {
    engine.setFault({ kind: 'hang' });
    const hung = assert.rejects(
      run(),
      (e: unknown) => isAdelineError(e, 'ADELINE_ERR_INFERENCE') && /closed/.test(e.message),
    );
    const t0 = performance.now();
    await engine.close();
    await hung;
    assert.ok(performance.now() - t0 < 3000);
  });

  it('refuses fault injection without ADELINE_TEST_FAULTS=1, and ignores the option', async () => {
    delete process.env.ADELINE_TEST_FAULTS;
    try {
      assert.throws(() => engine.setFault({ kind: 'crash' }), /ADELINE_TEST_FAULTS=1/);
      const e = await InferenceEngine.open({ ...options, faultInjection: { kind: 'crash' } });
      try {
        const input = e.prepare(frame, 64, 64, null);
        assert.equal(e.decode(await e.infer(input), input).length, 1);
      } finally {
        await e.close();
      }
    } finally {
      process.env.ADELINE_TEST_FAULTS = '1';
    }
  });

  it('rejects a malformed fault spec', () => {
    assert.throws(() => engine.setFault({ kind: 'explode' as 'crash' }), RangeError);
    assert.throws(() => engine.setFault({ kind: 'crash', count: 0 }), RangeError);
  });
});

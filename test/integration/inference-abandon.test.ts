/**
 * A run the caller abandons (the inference policy's timeout aborts its signal) while it is still
 * queued behind a hung run leaves the queue at once and gives its input tensor back, so later
 * frames are not refused for want of a tensor.
 */
import { strict as assert } from 'node:assert';
import { isAdelineError } from '../../src/domain/errors.js';
import { InferenceEngine } from '../../src/inference/index.js';
import { tempDir } from '../helpers/processes.js';
import { constantModel, writeModel, yolov8Output } from '../fixtures/onnx-models.js';

const modelPath = writeModel(
  tempDir('adeline-abandon-'),
  'v8.onnx',
  constantModel({
    outputs: [{ name: 'output0', dims: [1, 6, 84], data: yolov8Output(2, 84, []) }],
  }),
);
const frame = new Uint8Array(64 * 64 * 3);

describe('abandoning queued inference runs', function () {
  this.timeout(20_000);
  let engine: InferenceEngine;
  let previousEnv: string | undefined;

  before(async () => {
    previousEnv = process.env.ADELINE_TEST_FAULTS;
    process.env.ADELINE_TEST_FAULTS = '1';
    engine = await InferenceEngine.open({
      modelPath,
      layout: 'auto',
      labelsFile: null,
      intraOpThreads: 1,
      imgsz: 64,
      confidence: 0.25,
      iouThreshold: 0.45,
      poolSize: 2,
      quiet: true,
    });
  });
  after(async () => {
    await engine.close();
    if (previousEnv === undefined) delete process.env.ADELINE_TEST_FAULTS;
    else process.env.ADELINE_TEST_FAULTS = previousEnv;
  });

  it('rejects an aborted queued run at once and returns its tensor to the pool', async () => {
    engine.setFault({ kind: 'hang', count: 1 });
    const hung = engine.infer(engine.prepare(frame, 64, 64, null), { timeoutMs: 3000 });
    const ac = new AbortController();
    const queued = engine.infer(engine.prepare(frame, 64, 64, null), {
      timeoutMs: 3000,
      signal: ac.signal,
    });
    // Both tensors of the pool are taken now: a third prepare is refused.
    assert.throws(() => engine.prepare(frame, 64, 64, null), RangeError);
    const t0 = Date.now();
    ac.abort();
    await assert.rejects(queued, (e) => isAdelineError(e, 'ADELINE_ERR_INFERENCE_TIMEOUT'));
    assert.ok(Date.now() - t0 < 500, 'the abandoned run settles at once, not at its timeout');
    const again = engine.prepare(frame, 64, 64, null); // its tensor is back
    engine.release(again);
    await assert.rejects(hung, (e) => isAdelineError(e, 'ADELINE_ERR_INFERENCE_TIMEOUT'));
  });

  it('rejects a run whose signal is already aborted without queueing it', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      engine.infer(engine.prepare(frame, 64, 64, null), { signal: ac.signal }),
      (e) => isAdelineError(e, 'ADELINE_ERR_INFERENCE_TIMEOUT'),
    );
    const input = engine.prepare(frame, 64, 64, null);
    assert.deepEqual(engine.decode(await engine.infer(input), input), []);
  });

  it("restarts the worker when the caller gives up on a running run: one timeout, the caller's", async () => {
    engine.setFault({ kind: 'hang', count: 1 });
    const ac = new AbortController();
    const restarts = engine.workerRestarts;
    // No timeoutMs: with a signal, the engine's default timeout does not start a second timer.
    const hung = engine.infer(engine.prepare(frame, 64, 64, null), { signal: ac.signal });
    const t0 = Date.now();
    ac.abort();
    await assert.rejects(
      hung,
      (e) => isAdelineError(e, 'ADELINE_ERR_INFERENCE_TIMEOUT') && /while running/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 1000, 'settled when the caller gave up');
    assert.equal(engine.workerRestarts, restarts + 1);
    const input = engine.prepare(frame, 64, 64, null);
    assert.deepEqual(engine.decode(await engine.infer(input), input), []);
  });
});

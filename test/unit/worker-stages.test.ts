import assert from 'node:assert/strict';
import {
  resolveWorkerStages,
  WORKER_STAGES_MIN_INPUT_PIXELS,
} from '../../src/app/detector-port.js';
import { configArgsFromArgv } from '../../src/config/argv.js';
import { loadConfig } from '../../src/config/index.js';
import { AdelineError } from '../../src/domain/errors.js';

describe('pipeline.worker_stages', () => {
  it('defaults to auto: the worker for a 640 model input, the main thread for 320 and 416', () => {
    const c = loadConfig({ env: {}, overrides: {} }).config;
    assert.equal(c.pipeline.worker_stages, 'auto');
    const at = (side: number) => resolveWorkerStages('auto', { width: side, height: side });
    assert.equal(at(640).inWorker, true);
    assert.equal(at(512).inWorker, true, '512x512 is the threshold itself');
    assert.equal(at(416).inWorker, false);
    assert.equal(at(320).inWorker, false);
    assert.match(at(640).reason, /auto: model input 640x640 is at least 512x512/);
    assert.match(at(320).reason, /under 512x512/);
    // A wide input is judged by its area, not its side.
    assert.equal(resolveWorkerStages('auto', { width: 1024, height: 256 }).inWorker, true);
    assert.equal(WORKER_STAGES_MIN_INPUT_PIXELS, 512 * 512);
  });

  it('obeys an explicit true or false whatever the input size, and says so', () => {
    assert.deepEqual(resolveWorkerStages(true, { width: 32, height: 32 }), {
      inWorker: true,
      reason: 'pipeline.worker_stages is true',
    });
    assert.equal(resolveWorkerStages(false, { width: 1280, height: 1280 }).inWorker, false);
    for (const v of ['true', 'false', 'auto'] as const) {
      const { overrides } = configArgsFromArgv(['--set', `pipeline.worker_stages=${v}`]);
      const c = loadConfig({ env: {}, overrides }).config;
      assert.equal(String(c.pipeline.worker_stages), v, `--set pipeline.worker_stages=${v}`);
    }
  });

  it('rejects a value that is not true, false or auto, naming the key', () => {
    try {
      loadConfig({ env: {}, overrides: { 'pipeline.worker_stages': 'sometimes' } });
      assert.fail('expected a configuration error');
    } catch (err) {
      assert.ok(err instanceof AdelineError, String(err));
      assert.match(err.message, /pipeline\.worker_stages/);
      assert.match(err.message, /sometimes/);
    }
  });
});

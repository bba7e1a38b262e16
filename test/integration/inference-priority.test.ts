/**
 * models.inference_priority on real ONNX Runtime and the real util-linux chrt: `background` puts
 * the inference worker thread (and the intra-op threads ORT creates after it) under SCHED_IDLE,
 * read back from /proc; the main thread keeps its policy; a restarted worker gets it again;
 * inference still works; an unknown value is refused by name.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { InferenceEngine } from '../../src/inference/index.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { captureLogs } from '../helpers/log-capture.js';
import { demoEngineOptions } from '../helpers/demo-engine.js';

const SCHED_IDLE = 5;
const options = demoEngineOptions;

/** Scheduling policy of each thread of this process, from /proc/self/task/TID/sched. */
function policies(): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const m = /^policy\s*:\s*(\d+)$/m.exec(readFileSync(`/proc/self/task/${t}/sched`, 'utf8'));
      if (m) out.set(Number(t), Number(m[1]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

const idleThreads = () => [...policies()].filter(([, p]) => p === SCHED_IDLE).map(([t]) => t);

async function inferOnce(engine: InferenceEngine): Promise<void> {
  const frame = new Uint8Array(640 * 480 * 3).fill(90);
  const input = engine.prepare(frame, 640, 480, null);
  const raw = await engine.infer(input);
  assert.ok(Array.isArray(engine.decode(raw, input)));
  engine.releaseOutput(raw);
  engine.release(input);
}

describe('models.inference_priority (real ONNX Runtime, real chrt)', function () {
  this.timeout(60_000);
  afterEach(() => configureLogger({ level: 'silent' }));

  it('normal leaves every thread of the process at its default policy', async () => {
    const engine = await InferenceEngine.open(options({ inferencePriority: 'normal' }));
    try {
      await inferOnce(engine);
      assert.deepEqual(idleThreads(), []);
    } finally {
      await engine.close();
    }
  });

  it('background runs the worker and its ONNX Runtime threads as SCHED_IDLE, logs it, and still infers', async () => {
    const logs = captureLogs();
    const before = new Set(policies().keys());
    const engine = await InferenceEngine.open(options({ inferencePriority: 'background' }));
    try {
      await inferOnce(engine);
      const idle = idleThreads();
      // The worker thread itself, and with 2 intra-op threads ORT's pool thread created after it.
      assert.ok(
        idle.length >= 2,
        `expected the worker and ORT's pool thread idle, got ${idle.length}`,
      );
      assert.ok(!idle.includes(process.pid), 'the main thread must keep its policy');
      assert.ok(
        idle.every((t) => !before.has(t)),
        'only threads the engine started may be idle',
      );
      const line = logs.find((l) => l.event === 'inference_priority');
      assert.ok(line, 'an inference_priority log line');
      assert.match(String(line.msg), /SCHED_IDLE/);

      await engine.restart();
      await inferOnce(engine);
      const after = idleThreads();
      assert.ok(after.length >= 2, 'a restarted worker runs as SCHED_IDLE too');
      assert.ok(
        after.some((t) => !idle.includes(t)),
        'the restarted worker is a new thread',
      );
    } finally {
      await engine.close();
    }
  });

  it('refuses an unknown priority, naming the option and the values it takes', async () => {
    await assert.rejects(
      InferenceEngine.open(options({ inferencePriority: 'low' as never })),
      (err: Error) =>
        err instanceof RangeError &&
        /inferencePriority must be one of normal, background, got low/.test(err.message),
    );
  });
});

/**
 * The inference worker (worker_threads). It owns the ONNX Runtime session: the main thread never
 * calls session.run, so its event loop stays free while a frame is inferred. Inputs arrive as
 * transferred ArrayBuffers and go back, with the outputs, transferred too. Output buffers the
 * main thread has decoded come back with later runs, and ONNX Runtime writes into them
 * (pre-allocated outputs), so steady-state inference allocates no tensor memory on either
 * thread. Runs are timed here, in epoch milliseconds, so the main thread can tell queueing from
 * inference.
 */
import { parentPort } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { AdelineError } from '../domain/errors.js';
import { sessionOptions } from './session-options.js';
import { applyThreadPriority, type InferencePriority } from './thread-priority.js';
import { WorkerDetector } from './worker-detect.js';
import type {
  DetectConfig,
  DetectMessage,
  FaultKind,
  FromWorker,
  RunMessage,
  ToWorker,
  ValueInfo,
} from './worker-protocol.js';

const port = parentPort;
if (!port)
  throw new AdelineError(
    'ADELINE_ERR_LIFECYCLE',
    'src/inference/worker.ts must run in a worker thread; start it through InferenceEngine',
  );

/** Spare output buffers kept per output; more than this are dropped. */
const MAX_SPARE_OUTPUTS = 4;

let session: InferenceSession | null = null;
let detectConfig: DetectConfig | null = null;
let detector: WorkerDetector | null = null;
const float32Outputs = new Set<string>();
const lastDims = new Map<string, number[]>();
const spare = new Map<string, ArrayBuffer[]>();

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

function describe(meta: readonly InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: [...m.shape] }
      : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

async function init(
  modelPath: string,
  intraOpThreads: number,
  requested: InferencePriority,
): Promise<void> {
  try {
    // Before the session: ONNX Runtime's intra-op threads inherit this thread's policy.
    const priority = applyThreadPriority(requested);
    session = await InferenceSession.create(modelPath, sessionOptions(intraOpThreads));
    for (const m of session.outputMetadata)
      if (m.isTensor && m.type === 'float32') float32Outputs.add(m.name);
    send({
      type: 'ready',
      inputs: describe(session.inputMetadata),
      outputs: describe(session.outputMetadata),
      priority,
    });
  } catch (err) {
    send({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) });
  }
}

function injectFault(kind: FaultKind): void {
  if (kind === 'crash') process.exit(70);
  if (kind === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new AdelineError('ADELINE_ERR_INFERENCE', 'injected inference fault', {
    details: { fault: kind },
  });
}

function toFloat32(data: Tensor['data']): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array)
    return Float32Array.from(data, (v) => Number(v));
  if (Array.isArray(data))
    throw new AdelineError(
      'ADELINE_ERR_MODEL_LAYOUT',
      'string outputs are not supported: use a detector whose outputs are numeric tensors',
    );
  return Float32Array.from(data as ArrayLike<number>);
}

/** A pre-allocated output tensor for `name` when a spare buffer of the right size is at hand. */
function preallocated(name: string): Tensor | null {
  const dims = lastDims.get(name);
  const list = spare.get(name);
  if (!dims || !list || !float32Outputs.has(name)) return null;
  const bytes = dims.reduce((a, b) => a * b, 1) * 4;
  while (list.length > 0) {
    const buf = list.pop()!;
    if (buf.byteLength === bytes) return new Tensor('float32', new Float32Array(buf), dims);
  }
  return null;
}

async function run(msg: RunMessage): Promise<void> {
  for (const r of msg.recycle) {
    let list = spare.get(r.name);
    if (!list) spare.set(r.name, (list = []));
    if (list.length < MAX_SPARE_OUTPUTS) list.push(r.buffer);
  }
  const startMs = nowMs();
  try {
    if (!session)
      throw new AdelineError(
        'ADELINE_ERR_LIFECYCLE',
        'the model is not loaded; load it before run',
      );
    if (msg.fault) injectFault(msg.fault);
    const feeds = {
      [session.inputNames[0]!]: new Tensor('float32', new Float32Array(msg.input), msg.dims),
    };
    const names = msg.fetch ?? session.outputNames;
    const fetches: Record<string, Tensor | null> = {};
    for (const name of names) fetches[name] = preallocated(name);
    const result = await session.run(feeds, fetches);
    const outputs = names.map((name) => {
      const given = fetches[name];
      const t = result[name] as Tensor;
      const dims = t.dims.map(Number);
      lastDims.set(name, dims);
      return { name, data: given ? (given.data as Float32Array) : toFloat32(t.data), dims };
    });
    const endMs = nowMs();
    const transfer = [...new Set([msg.input, ...outputs.map((o) => o.data.buffer as ArrayBuffer)])];
    send({ type: 'result', id: msg.id, input: msg.input, outputs, startMs, endMs }, transfer);
  } catch (err) {
    send(
      {
        type: 'run-failed',
        id: msg.id,
        input: msg.input,
        message: err instanceof Error ? err.message : String(err),
      },
      [msg.input],
    );
  }
}

/** The detector for the configured model, built on first use (after the session exists). */
function detectorFor(s: InferenceSession): WorkerDetector {
  if (detector) return detector;
  if (!detectConfig)
    throw new AdelineError(
      'ADELINE_ERR_INFERENCE',
      'detect before configure: the engine sends configure first',
    );
  const name = detectConfig.info.outputName;
  const meta = s.outputMetadata.find((m) => m.name === name);
  const fixed = !!meta?.isTensor && meta.shape.every((d) => typeof d === 'number' && d > 0);
  detector = new WorkerDetector(detectConfig, s.inputNames[0]!, fixed);
  return detector;
}

async function detect(msg: DetectMessage): Promise<void> {
  try {
    if (!session) throw new AdelineError('ADELINE_ERR_INFERENCE', 'the model is not loaded');
    if (msg.fault) injectFault(msg.fault);
    const answer = await detectorFor(session).detect(session, msg, nowMs);
    send(answer, [msg.frame]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    send({ type: 'run-failed', id: msg.id, input: msg.frame, message }, [msg.frame]);
  }
}

/*
 * Runs are executed one after another, in the order they arrive. The host sends the next run
 * while this one is still running (worker-host.ts WORKER_DEPTH), so it waits here and starts the
 * moment this one has posted its result, without a round trip through the main thread.
 * `run` never rejects.
 */
let runs: Promise<void> = Promise.resolve();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') void init(msg.modelPath, msg.intraOpThreads, msg.priority);
  else if (msg.type === 'configure') {
    detectConfig = msg.detect;
    detector = null;
  } else if (msg.type === 'detect') runs = runs.then(() => detect(msg));
  else runs = runs.then(() => run(msg));
});

/**
 * The inference worker (worker_threads). It owns the ONNX Runtime session: the main thread never
 * calls session.run, so its event loop stays free while a frame is inferred. Inputs arrive as
 * transferred ArrayBuffers and go back, with the outputs, transferred too. Runs are timed here,
 * in epoch milliseconds, so the main thread can tell queueing from inference.
 */
import { parentPort } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { FaultKind, FromWorker, RunMessage, ToWorker, ValueInfo } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('src/inference/worker.ts must run in a worker thread');

let session: InferenceSession | null = null;

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

function describe(meta: readonly InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }));
}

async function init(modelPath: string, intraOpThreads: number): Promise<void> {
  try {
    session = await InferenceSession.create(modelPath, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    send({ type: 'ready', inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) });
  } catch (err) {
    send({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) });
  }
}

function injectFault(kind: FaultKind): void {
  if (kind === 'crash') process.exit(70);
  if (kind === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('injected inference fault');
}

function toFloat32(data: Tensor['data']): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (Array.isArray(data)) throw new Error('string outputs are not supported');
  return Float32Array.from(data as ArrayLike<number>);
}

async function run(msg: RunMessage): Promise<void> {
  const startMs = nowMs();
  try {
    if (!session) throw new Error('the model is not loaded');
    if (msg.fault) injectFault(msg.fault);
    const feeds = { [session.inputNames[0]!]: new Tensor('float32', new Float32Array(msg.input), msg.dims) };
    const result = msg.fetch ? await session.run(feeds, msg.fetch) : await session.run(feeds);
    const names = msg.fetch ?? session.outputNames;
    const outputs = names.map((name) => {
      const t = result[name] as Tensor;
      return { name, data: toFloat32(t.data), dims: t.dims.map(Number) };
    });
    const endMs = nowMs();
    const transfer = [...new Set([msg.input, ...outputs.map((o) => o.data.buffer as ArrayBuffer)])];
    send({ type: 'result', id: msg.id, input: msg.input, outputs, startMs, endMs }, transfer);
  } catch (err) {
    send({ type: 'run-failed', id: msg.id, input: msg.input, message: err instanceof Error ? err.message : String(err) }, [msg.input]);
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') void init(msg.modelPath, msg.intraOpThreads);
  else void run(msg);
});

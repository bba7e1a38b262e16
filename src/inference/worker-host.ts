/**
 * The main-thread side of the inference worker: starts it, queues runs FIFO, times runs out, and
 * restarts the worker after a timeout or a crash.
 *
 * - Up to WORKER_DEPTH runs are handed to the worker at once: one runs, the next waits in the
 *   worker, which starts it the moment the first is done. Without that, the worker would sit idle
 *   after every run until the main thread got round to its result and sent the next input (a
 *   letterbox, a frame render or a telemetry export in the way): about a tenth of the demo
 *   model's throughput (docs/benchmarks.md).
 * - A run's timeout counts from when it starts in the worker (its dispatch when the worker was
 *   idle, else the result of the run before it).
 * - A run that times out is rejected with ADELINE_ERR_INFERENCE_TIMEOUT; the worker is terminated
 *   and a new one started. The run waiting behind it in the worker is lost with it (its input was
 *   transferred) and rejected with ADELINE_ERR_INFERENCE; runs still queued here go to the new
 *   worker.
 * - A worker that exits or throws rejects the runs it holds and every queued run with
 *   ADELINE_ERR_WORKER_CRASHED; a new worker is started.
 * - A new worker that cannot load the model leaves the host failed: each later run tries one
 *   restart before it is rejected.
 */
import { Worker } from 'node:worker_threads';
import { AdelineError } from '../domain/errors.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import type {
  FaultKind,
  FromWorker,
  ReadyMessage,
  RecycledOutput,
  ResultMessage,
  ToWorker,
} from './worker-protocol.js';

const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js',
  import.meta.url,
);
const TERMINATE_WAIT_MS = 2000;
/** Runs held by the worker at once: the running one and the next (see the top of the file). */
export const WORKER_DEPTH = 2;

export interface RunRequest {
  input: ArrayBuffer;
  dims: number[];
  fetch: string[] | null;
  /** Decoded output buffers handed back to the worker with this run. */
  recycle?: readonly RecycledOutput[];
  timeoutMs: number;
  fault?: FaultKind;
  /** Abandons the run while it is still queued (its input comes back at once). */
  signal?: AbortSignal;
}

export type RunOutcome =
  | { ok: true; result: ResultMessage; queueMs: number }
  | {
      ok: false;
      error: AdelineError;
      /** The input buffer when the worker gave it back. */ input: ArrayBuffer | null;
    };

interface Pending {
  id: number;
  req: RunRequest;
  /** When it was queued, epoch milliseconds (the worker times its runs on the same clock). */
  enqueuedMs: number;
  /** When it was handed to the worker (performance.now()); 0 while it is queued here. */
  dispatchedMs: number;
  timer: NodeJS.Timeout | null;
  /** Running in the worker (as far as the host knows: it is the first of the runs handed over). */
  started: boolean;
  /** Settled already (abandoned while it waited in the worker): its result is ignored. */
  settled: boolean;
  resolve: (o: RunOutcome) => void;
}

const epochMs = (): number => performance.timeOrigin + performance.now();

type HostState = 'idle' | 'starting' | 'ready' | 'failed' | 'closed';

/** The worker could not start: ONNX Runtime refused the model ('load') or the thread died ('crash'). */
export class WorkerLoadError extends Error {
  override name = 'WorkerLoadError';
  constructor(
    message: string,
    readonly kind: 'load' | 'crash' = 'crash',
  ) {
    super(message);
  }
}

export class WorkerHost {
  restarts = 0;
  private worker: Worker | null = null;
  private state: HostState = 'idle';
  private starting: Promise<ReadyMessage> | null = null;
  private rejectStart: ((e: Error) => void) | null = null;
  private lastFailure = '';
  private queue: Pending[] = [];
  /** Runs handed to the worker, in order; the first is running. */
  private dispatched: Pending[] = [];
  private nextId = 1;

  constructor(
    private readonly modelPath: string,
    private readonly intraOpThreads: number,
  ) {}

  /** Starts a worker and loads the model; rejects with WorkerLoadError if ONNX Runtime cannot. */
  start(): Promise<ReadyMessage> {
    if (this.state === 'closed')
      return Promise.reject(new WorkerLoadError('the inference engine is closed'));
    if (this.starting) return this.starting;
    this.state = 'starting';
    const w = new Worker(WORKER_URL);
    this.worker = w;
    const p = new Promise<ReadyMessage>((resolve, reject) => {
      this.rejectStart = reject;
      const onMessage = (msg: FromWorker): void => {
        if (msg.type === 'ready') {
          this.state = 'ready';
          resolve(msg);
          this.pump();
        } else if (msg.type === 'load-failed') {
          this.fail(w, msg.message);
          reject(new WorkerLoadError(msg.message, 'load'));
        } else this.onResult(w, msg);
      };
      w.on('message', onMessage);
      w.on('error', (err) => this.onCrash(w, `worker error: ${err.message}`, reject));
      w.on('exit', (code) => this.onCrash(w, `worker exited with code ${code}`, reject));
      w.postMessage({
        type: 'init',
        modelPath: this.modelPath,
        intraOpThreads: this.intraOpThreads,
      } satisfies ToWorker);
    });
    this.starting = p;
    const clear = (): void => {
      if (this.starting === p) {
        this.starting = null;
        this.rejectStart = null;
      }
    };
    p.then(clear, clear);
    return p;
  }

  /** Queues a run; resolves with its outcome (never rejects). */
  run(req: RunRequest): Promise<RunOutcome> {
    return new Promise((resolve) => {
      if (this.state === 'closed') {
        resolve({
          ok: false,
          error: new AdelineError('ADELINE_ERR_INFERENCE', 'the inference engine is closed'),
          input: req.input,
        });
        return;
      }
      const abandoned = () =>
        new AdelineError(
          'ADELINE_ERR_INFERENCE_TIMEOUT',
          'the inference run was abandoned by its caller (policy timeout) before it reached the worker',
        );
      if (req.signal?.aborted) {
        resolve({ ok: false, error: abandoned(), input: req.input });
        return;
      }
      const pending: Pending = {
        id: this.nextId++,
        req,
        enqueuedMs: epochMs(),
        dispatchedMs: 0,
        timer: null,
        started: false,
        settled: false,
        resolve: (o) => {
          if (pending.settled) return;
          pending.settled = true;
          resolve(o);
        },
      };
      this.queue.push(pending);
      req.signal?.addEventListener('abort', () => this.abandon(pending, abandoned), {
        once: true,
      });
      if (this.state === 'failed') this.retryStart();
      else this.pump();
    });
  }

  /** Terminates the worker and starts a new one; queued runs wait for it. */
  async restart(reason = 'requested'): Promise<void> {
    if (this.state === 'closed') throw new WorkerLoadError('the inference engine is closed');
    this.replace(reason);
    await this.starting;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const err = new AdelineError(
      'ADELINE_ERR_INFERENCE',
      'the inference engine was closed before the run finished',
    );
    this.rejectAll(err);
    this.rejectStart?.(
      new WorkerLoadError('the inference engine was closed while the worker was starting'),
    );
    const w = this.worker;
    this.worker = null;
    if (w) await terminate(w);
  }

  /**
   * The caller gave up on a run (policy timeout). Queued here: it leaves the queue with its input.
   * Waiting in the worker behind another run: settled now without its input (the tensor pool
   * replaces it), its result ignored. Running: its own result or timeout settles it.
   */
  private abandon(p: Pending, error: () => AdelineError): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) {
      this.queue.splice(i, 1);
      p.resolve({ ok: false, error: error(), input: p.req.input });
    } else if (this.dispatched.indexOf(p) > 0) {
      p.resolve({ ok: false, error: error(), input: null });
    }
  }

  private pump(): void {
    while (this.state === 'ready' && this.worker && this.dispatched.length < WORKER_DEPTH) {
      const p = this.queue.shift();
      if (!p) return;
      this.dispatched.push(p);
      p.dispatchedMs = performance.now();
      if (this.dispatched.length === 1) this.begin(p);
      // Buffers detached meanwhile (sent with a run that died with its worker) are skipped.
      const recycle = (p.req.recycle ?? []).filter((r) => r.buffer.byteLength > 0);
      const msg: ToWorker = {
        type: 'run',
        id: p.id,
        input: p.req.input,
        dims: p.req.dims,
        fetch: p.req.fetch,
        recycle,
      };
      if (p.req.fault) msg.fault = p.req.fault;
      this.worker.postMessage(msg, [p.req.input, ...recycle.map((r) => r.buffer)]);
    }
  }

  /** Marks the run the worker is running now and starts its timeout. */
  private begin(p: Pending): void {
    p.started = true;
    if (p.req.timeoutMs > 0) p.timer = setTimeout(() => this.onTimeout(p), p.req.timeoutMs);
  }

  private onResult(w: Worker, msg: FromWorker): void {
    if (w !== this.worker || (msg.type !== 'result' && msg.type !== 'run-failed')) return;
    const p = this.dispatched[0];
    if (!p || p.id !== msg.id) return;
    this.dispatched.shift();
    if (p.timer) clearTimeout(p.timer);
    const next = this.dispatched[0];
    if (next) this.begin(next);
    if (msg.type === 'result')
      p.resolve({ ok: true, result: msg, queueMs: Math.max(0, msg.startMs - p.enqueuedMs) });
    else {
      const error = new AdelineError(
        'ADELINE_ERR_INFERENCE',
        `inference failed on model ${this.modelPath}: ${msg.message}`,
      );
      p.resolve({ ok: false, error, input: msg.input });
    }
    this.pump();
  }

  private onTimeout(p: Pending): void {
    if (this.dispatched[0] !== p) return;
    this.dispatched.shift();
    const error = new AdelineError(
      'ADELINE_ERR_INFERENCE_TIMEOUT',
      `inference took longer than ${p.req.timeoutMs} ms on model ${this.modelPath}; the worker is being restarted (raise resilience.inference.timeout_ms if the model is just slow)`,
    );
    p.resolve({ ok: false, error, input: null });
    this.replace(`timeout after ${p.req.timeoutMs} ms`);
  }

  private onCrash(w: Worker, why: string, rejectStart: (e: Error) => void): void {
    if (w !== this.worker || this.state === 'closed') return;
    if (this.state === 'starting') {
      this.fail(w, why);
      rejectStart(new WorkerLoadError(why));
      return;
    }
    const err = new AdelineError(
      'ADELINE_ERR_WORKER_CRASHED',
      `the inference worker crashed (${why}); it is being restarted`,
    );
    this.rejectAll(err);
    this.replace(why);
  }

  private replace(reason: string): void {
    const held = this.dispatched;
    this.dispatched = [];
    for (const p of held) {
      if (p.timer) clearTimeout(p.timer);
      const error = new AdelineError(
        'ADELINE_ERR_INFERENCE',
        `the inference worker was restarted (${reason}) ${p.started ? 'during this run' : 'before this run started; its input was lost with the worker'}`,
      );
      p.resolve({ ok: false, error, input: null });
    }
    const old = this.worker;
    this.worker = null;
    this.rejectStart?.(new WorkerLoadError(`the worker was replaced while starting (${reason})`));
    this.rejectStart = null;
    this.starting = null;
    if (old) void terminate(old);
    this.restarts++;
    logEvent(getLogger('inference'), 'worker_restarted', 'inference worker restarted', {
      reason,
      restarts: this.restarts,
    });
    this.start().catch(() => undefined);
  }

  private fail(w: Worker, why: string): void {
    this.state = 'failed';
    this.lastFailure = why;
    if (this.worker === w) this.worker = null;
    void terminate(w);
    // Runs queued while starting cannot be served by this worker.
    if (this.restarts > 0) {
      this.rejectAll(
        new AdelineError(
          'ADELINE_ERR_WORKER_CRASHED',
          `the inference worker could not be restarted: ${why}`,
        ),
      );
    }
  }

  private retryStart(): void {
    this.start().catch((err: Error) => {
      this.rejectAll(
        new AdelineError(
          'ADELINE_ERR_WORKER_CRASHED',
          `the inference worker could not be restarted: ${err.message || this.lastFailure}`,
        ),
      );
    });
  }

  private rejectAll(error: AdelineError): void {
    const all = [...this.dispatched, ...this.queue];
    this.dispatched = [];
    this.queue = [];
    for (const p of all) {
      if (p.timer) clearTimeout(p.timer);
      // A dispatched input is lost with the worker; a queued one is still ours.
      p.resolve({ ok: false, error, input: p.dispatchedMs > 0 ? null : p.req.input });
    }
  }
}

async function terminate(w: Worker): Promise<void> {
  w.removeAllListeners('message');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    w.terminate().catch(() => undefined),
    new Promise<void>((r) => {
      timer = setTimeout(() => {
        w.unref();
        r();
      }, TERMINATE_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}

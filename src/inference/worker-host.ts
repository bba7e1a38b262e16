/**
 * The main-thread side of the inference worker: starts it, queues runs FIFO, times runs out, and
 * restarts the worker after a timeout or a crash. Its state is one union (worker-host-state.ts).
 *
 * - Up to WORKER_DEPTH runs are handed to the worker at once: one runs, the next waits in the
 *   worker, which starts it the moment the first is done. Without that, the worker would sit idle
 *   after every run until the main thread got round to its result and sent the next input (a
 *   frame copy, a telemetry export in the way): about a tenth of the demo model's throughput
 *   (docs/benchmarks.md).
 * - Two kinds of run share the queue: `run` (a prepared tensor in, the raw output out) and
 *   `detect` (a frame in, detections out: the pipeline's path, see worker-detect.ts).
 * - One timeout per run. A run with a signal (the pipeline's: the inference policy's timeout,
 *   resilience.inference.timeout_ms) is timed by its caller; when the signal aborts while the run
 *   is running, the worker is replaced as below. A run without one (direct API use, the health
 *   probe) gets its own timer here, counted from when it starts in the worker (its dispatch when
 *   the worker was idle, else the result of the run before it).
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
import {
  settle,
  stopTimer,
  WorkerLoadError,
  type DetectRequest,
  type HostState,
  type HostStateKind,
  type Pending,
  type QueuedRequest,
  type RunOutcome,
  type TensorRequest,
} from './worker-host-state.js';
import { message } from './worker-message.js';
import type {
  DetectConfig,
  DetectedMessage,
  FromWorker,
  ReadyMessage,
  ResultMessage,
  ToWorker,
} from './worker-protocol.js';
import type { InferencePriority } from './thread-priority.js';

export { WorkerLoadError } from './worker-host-state.js';
export type {
  DetectRequest,
  RunOutcome,
  TensorRequest as RunRequest,
} from './worker-host-state.js';

const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js',
  import.meta.url,
);
const TERMINATE_WAIT_MS = 2000;
/** Runs held by the worker at once: the running one and the next (see the top of the file). */
export const WORKER_DEPTH = 2;

const epochMs = (): number => performance.timeOrigin + performance.now();

export class WorkerHost {
  restarts = 0;
  private state: HostState = { kind: 'idle' };
  private detectConfig: DetectConfig | null = null;
  private queue: Pending[] = [];
  /** Runs handed to the worker, in order; the first is running. */
  private dispatched: Pending[] = [];
  private nextId = 1;

  constructor(
    private readonly modelPath: string,
    private readonly intraOpThreads: number,
    private readonly priority: InferencePriority = 'normal',
  ) {}

  get stateKind(): HostStateKind {
    return this.state.kind;
  }

  /** Starts a worker and loads the model; rejects with WorkerLoadError if ONNX Runtime cannot. */
  start(): Promise<ReadyMessage> {
    const s = this.state;
    if (s.kind === 'closed')
      return Promise.reject(new WorkerLoadError('the inference engine is closed'));
    if (s.kind === 'starting') return s.ready;
    const w = new Worker(WORKER_URL);
    let reject: (e: Error) => void = () => {};
    const ready = new Promise<ReadyMessage>((resolve, rej) => {
      reject = rej;
      w.on('message', (msg: FromWorker) => {
        if (msg.type === 'ready') {
          if (this.workerOf() !== w) return;
          this.state = { kind: 'ready', worker: w };
          resolve(msg);
          this.pump();
        } else if (msg.type === 'load-failed') {
          this.fail(w, msg.message);
          rej(new WorkerLoadError(msg.message, 'load'));
        } else this.onAnswer(w, msg);
      });
      w.on('error', (err) => this.onCrash(w, `worker error: ${err.message}`, rej));
      w.on('exit', (code) => this.onCrash(w, `worker exited with code ${code}`, rej));
    });
    this.state = { kind: 'starting', worker: w, ready, reject };
    ready.catch(() => undefined);
    w.postMessage({
      type: 'init',
      modelPath: this.modelPath,
      intraOpThreads: this.intraOpThreads,
      priority: this.priority,
    } satisfies ToWorker);
    if (this.detectConfig) w.postMessage({ type: 'configure', detect: this.detectConfig });
    return ready;
  }

  /** The model settings of `detect` runs; kept for every worker started later. */
  configure(cfg: DetectConfig): void {
    this.detectConfig = cfg;
    this.workerOf()?.postMessage({ type: 'configure', detect: cfg } satisfies ToWorker);
  }

  /** Queues a tensor run; resolves with its outcome (never rejects). */
  run(req: TensorRequest): Promise<RunOutcome<ResultMessage>> {
    return this.enqueue({ kind: 'run', req }) as Promise<RunOutcome<ResultMessage>>;
  }

  /** Queues a frame for detection in the worker (configure() first); never rejects. */
  detect(req: DetectRequest): Promise<RunOutcome<DetectedMessage>> {
    return this.enqueue({ kind: 'detect', req }) as Promise<RunOutcome<DetectedMessage>>;
  }

  /** Terminates the worker and starts a new one; queued runs wait for it. */
  async restart(reason = 'requested'): Promise<void> {
    if (this.state.kind === 'closed') throw new WorkerLoadError('the inference engine is closed');
    this.replace(reason);
    if (this.state.kind === 'starting') await this.state.ready;
  }

  async close(): Promise<void> {
    const s = this.state;
    if (s.kind === 'closed') return;
    this.state = { kind: 'closed' };
    this.rejectAll(
      new AdelineError(
        'ADELINE_ERR_INFERENCE',
        'the inference engine was closed before the run finished',
      ),
    );
    if (s.kind === 'starting')
      s.reject(
        new WorkerLoadError('the inference engine was closed while the worker was starting'),
      );
    if (s.kind === 'starting' || s.kind === 'ready') await terminate(s.worker);
  }

  private workerOf(): Worker | null {
    const s = this.state;
    return s.kind === 'starting' || s.kind === 'ready' ? s.worker : null;
  }

  private enqueue(work: QueuedRequest): Promise<RunOutcome> {
    const req = work.req;
    return new Promise((resolve) => {
      if (this.state.kind === 'closed') {
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
      const p: Pending = {
        id: this.nextId++,
        work,
        enqueuedMs: epochMs(),
        phase: 'queued',
        timer: null,
        resolve,
      };
      this.queue.push(p);
      req.signal?.addEventListener('abort', () => this.abandon(p, abandoned()), { once: true });
      if (this.state.kind === 'failed') this.retryStart();
      else this.pump();
    });
  }

  /**
   * The caller gave up on a run: its signal is the inference policy's timeout, the one timeout of
   * the pipeline (a run with a signal has no timer here). Queued here: it leaves the queue with
   * its input. Waiting in the worker behind another run: settled now without its input (the pools
   * replace it), its result ignored. Running: the worker is stuck on it, so it is terminated and
   * restarted, exactly as when a run's own timer fires.
   */
  private abandon(p: Pending, error: AdelineError): void {
    if (p.phase === 'queued') {
      this.queue.splice(this.queue.indexOf(p), 1);
      settle(p, { ok: false, error, input: p.work.req.input });
    } else if (p.phase === 'waiting') settle(p, { ok: false, error, input: null });
    else if (p.phase === 'running' && this.dispatched[0] === p) {
      this.dispatched.shift();
      stopTimer(p);
      const running = new AdelineError(
        'ADELINE_ERR_INFERENCE_TIMEOUT',
        `the inference run was abandoned by its caller (policy timeout) while running on model ${this.modelPath}; the worker is being restarted (raise resilience.inference.timeout_ms if the model is just slow)`,
        { cause: error },
      );
      settle(p, { ok: false, error: running, input: null });
      this.replace('run abandoned by its caller (policy timeout) while running');
    }
  }

  private pump(): void {
    while (this.state.kind === 'ready' && this.dispatched.length < WORKER_DEPTH) {
      const w = this.state.worker;
      const p = this.queue.shift();
      if (!p) return;
      this.dispatched.push(p);
      p.phase = 'waiting';
      if (this.dispatched.length === 1) this.begin(p);
      const { msg, transfer } = message(p);
      w.postMessage(msg, transfer);
    }
  }

  /** Marks the run the worker is running now and starts its timeout. */
  private begin(p: Pending): void {
    // A run abandoned while it waited stays settled, but it holds the worker until it ends: it
    // is timed like any other.
    if (p.phase === 'waiting') p.phase = 'running';
    const ms = p.work.req.timeoutMs;
    if (ms > 0) p.timer = setTimeout(() => this.onTimeout(p), ms);
  }

  private onAnswer(w: Worker, msg: FromWorker): void {
    if (w !== this.workerOf()) return;
    if (msg.type !== 'result' && msg.type !== 'detected' && msg.type !== 'run-failed') return;
    const p = this.dispatched[0];
    if (!p || p.id !== msg.id) return;
    this.dispatched.shift();
    stopTimer(p);
    const next = this.dispatched[0];
    if (next) this.begin(next);
    if (msg.type === 'run-failed') {
      const error = new AdelineError(
        'ADELINE_ERR_INFERENCE',
        `inference failed on model ${this.modelPath}: ${msg.message}`,
      );
      settle(p, { ok: false, error, input: msg.input });
    } else {
      const began = msg.type === 'detected' ? msg.preprocessStartMs : msg.startMs;
      settle(p, { ok: true, result: msg, queueMs: Math.max(0, began - p.enqueuedMs) });
    }
    this.pump();
  }

  private onTimeout(p: Pending): void {
    if (this.dispatched[0] !== p) return;
    this.dispatched.shift();
    const ms = p.work.req.timeoutMs;
    const error = new AdelineError(
      'ADELINE_ERR_INFERENCE_TIMEOUT',
      `inference took longer than ${ms} ms on model ${this.modelPath}; the worker is being restarted (raise resilience.inference.timeout_ms if the model is just slow)`,
    );
    settle(p, { ok: false, error, input: null });
    this.replace(`timeout after ${ms} ms`);
  }

  private onCrash(w: Worker, why: string, rejectStart: (e: Error) => void): void {
    if (w !== this.workerOf()) return;
    if (this.state.kind === 'starting') {
      this.fail(w, why);
      rejectStart(new WorkerLoadError(why));
      return;
    }
    this.rejectAll(
      new AdelineError(
        'ADELINE_ERR_WORKER_CRASHED',
        `the inference worker crashed (${why}); it is being restarted`,
      ),
    );
    this.replace(why);
  }

  private replace(reason: string): void {
    const held = this.dispatched;
    this.dispatched = [];
    for (const p of held) {
      stopTimer(p);
      const error = new AdelineError(
        'ADELINE_ERR_INFERENCE',
        `the inference worker was restarted (${reason}) ${p.phase === 'running' ? 'during this run' : 'before this run started; its input was lost with the worker'}`,
      );
      settle(p, { ok: false, error, input: null });
    }
    const s = this.state;
    if (s.kind === 'starting')
      s.reject(new WorkerLoadError(`the worker was replaced while starting (${reason})`));
    this.state = { kind: 'idle' };
    if (s.kind === 'starting' || s.kind === 'ready') void terminate(s.worker);
    this.restarts++;
    logEvent(getLogger('inference'), 'worker_restarted', 'inference worker restarted', {
      reason,
      restarts: this.restarts,
    });
    this.start().catch(() => undefined);
  }

  private fail(w: Worker, why: string): void {
    if (w === this.workerOf()) this.state = { kind: 'failed', reason: why };
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
    const last = this.state.kind === 'failed' ? this.state.reason : '';
    this.start().catch((err: Error) => {
      this.rejectAll(
        new AdelineError(
          'ADELINE_ERR_WORKER_CRASHED',
          `the inference worker could not be restarted: ${err.message || last}`,
        ),
      );
    });
  }

  private rejectAll(error: AdelineError): void {
    const all = [...this.dispatched, ...this.queue];
    this.dispatched = [];
    this.queue = [];
    for (const p of all) {
      stopTimer(p);
      // A dispatched input is lost with the worker; a queued one is still ours.
      settle(p, { ok: false, error, input: p.phase === 'queued' ? p.work.req.input : null });
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

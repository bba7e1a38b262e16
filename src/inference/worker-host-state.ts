/**
 * The worker host's state, as one discriminated union (like planes/connection-state.ts), and
 * each run's phase, as another: no loose flags to keep in step.
 *
 *   idle ─start()─► starting ─ready─► ready ─crash / timeout / restart()─► starting …
 *                      └─load failed / died─► failed ─next run─► starting        close() ─► closed
 *
 *   queued ─dispatched─► waiting (in the worker, behind the running one) ─► running ─► settled
 */
import type { Worker } from 'node:worker_threads';
import type { AdelineError } from '../domain/errors.js';
import type { Roi } from '../domain/roi.js';
import type {
  DetectedMessage,
  FaultKind,
  ReadyMessage,
  RecycledOutput,
  ResultMessage,
} from './worker-protocol.js';

export type HostState =
  | { kind: 'idle' }
  | {
      kind: 'starting';
      worker: Worker;
      ready: Promise<ReadyMessage>;
      reject: (e: Error) => void;
    }
  | { kind: 'ready'; worker: Worker }
  /** The last worker could not load the model; the next run tries one restart. */
  | { kind: 'failed'; reason: string }
  | { kind: 'closed' };

export type HostStateKind = HostState['kind'];

interface RequestBase {
  /** The buffer that travels to the worker (transferred) and comes back with the answer. */
  input: ArrayBuffer;
  /** Time limit of the run from when it starts in the worker, ms; 0 = none. */
  timeoutMs: number;
  fault?: FaultKind;
  /** Abandons the run while it is still queued (its input comes back at once). */
  signal?: AbortSignal;
}

/** A prepared input tensor in, the raw output out. */
export interface TensorRequest extends RequestBase {
  dims: number[];
  fetch: string[] | null;
  /** Decoded output buffers handed back to the worker with this run. */
  recycle?: readonly RecycledOutput[];
}

/** An RGB24 frame in, detections out (preprocess, inference, decode+NMS in the worker). */
export interface DetectRequest extends RequestBase {
  width: number;
  height: number;
  roi: Roi | null;
}

/** A request as queued: which message it becomes. */
export type QueuedRequest =
  { kind: 'run'; req: TensorRequest } | { kind: 'detect'; req: DetectRequest };

export type RunOutcome<T = ResultMessage | DetectedMessage> =
  | { ok: true; result: T; queueMs: number }
  | {
      ok: false;
      error: AdelineError;
      /** The input buffer when it came back (null: lost with the worker). */ input: ArrayBuffer | null;
    };

export type RunPhase = 'queued' | 'waiting' | 'running' | 'settled';

export interface Pending {
  id: number;
  work: QueuedRequest;
  /** When it was queued, epoch milliseconds (the worker times its runs on the same clock). */
  enqueuedMs: number;
  phase: RunPhase;
  /** Its timeout while it is the worker's current run (also when its caller gave up on it). */
  timer: NodeJS.Timeout | null;
  resolve: (o: RunOutcome) => void;
}

/** Resolves a run once; a settled run stays settled (its timer is the host's to stop). */
export function settle(p: Pending, o: RunOutcome): void {
  if (p.phase === 'settled') return;
  p.phase = 'settled';
  p.resolve(o);
}

/** Stops a run's timeout (it left the worker). */
export function stopTimer(p: Pending): void {
  if (p.timer) clearTimeout(p.timer);
  p.timer = null;
}

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

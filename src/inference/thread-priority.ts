/**
 * models.inference_priority: the Linux scheduling policy of the inference worker thread, set by
 * the worker on itself before ONNX Runtime creates its session, so that ORT's intra-op pool
 * threads inherit it.
 *
 * `background` is SCHED_IDLE: any other thread of the service that becomes ready (the event
 * loop: health checks, MQTT, telemetry; ffmpeg; V8's helpers) preempts inference at once, instead
 * of waiting for the end of the inference thread's time slice. On a saturated 2-core machine this
 * cut the real-video event-loop maximum by 5–14 ms, and cost up to a fifth of the frames/s with a
 * 1280×720 source, whose ffmpeg threads preempt inference too (docs/benchmarks.md). A SCHED_IDLE
 * thread gets no CPU while other threads of its cgroup want it all, so it belongs where the
 * service has a cgroup of its own (a container, a systemd unit).
 *
 * Node has no binding for sched_setscheduler, so the worker runs util-linux's `chrt` on its own
 * thread id (from /proc/thread-self). Lowering one's own policy to SCHED_IDLE needs no privilege.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';

export const INFERENCE_PRIORITIES = ['normal', 'background'] as const;
export type InferencePriority = (typeof INFERENCE_PRIORITIES)[number];

export interface PriorityOutcome {
  requested: InferencePriority;
  applied: boolean;
  /** What was done, or why not (names the command and its error). */
  detail: string;
}

/** The thread id in a /proc/thread-self link target ("1234/task/1240"); null when it is not one. */
export function threadIdOf(link: string): number | null {
  const m = /^(?:\/proc\/)?\d+\/task\/(\d+)$/.exec(link.trim());
  return m ? Number(m[1]) : null;
}

export interface PriorityDeps {
  platform: NodeJS.Platform;
  threadSelf: () => string;
  chrt: (args: string[]) => void;
}

const realDeps: PriorityDeps = {
  platform: process.platform,
  threadSelf: () => readlinkSync('/proc/thread-self'),
  chrt: (args) => {
    execFileSync('chrt', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
  },
};

const firstLine = (err: unknown): string => {
  const e = err as { stderr?: Buffer | string; message?: string };
  const text = (e.stderr ? String(e.stderr) : '') || e.message || String(err);
  return text.trim().split('\n')[0] ?? '';
};

/** Applies `requested` to the calling thread. Never throws: the outcome says what happened. */
export function applyThreadPriority(
  requested: InferencePriority,
  deps: PriorityDeps = realDeps,
): PriorityOutcome {
  if (requested === 'normal')
    return { requested, applied: true, detail: 'the default scheduling policy (SCHED_OTHER)' };
  if (deps.platform !== 'linux')
    return {
      requested,
      applied: false,
      detail: `SCHED_IDLE is Linux only (this is ${deps.platform})`,
    };
  let tid: number | null;
  try {
    tid = threadIdOf(deps.threadSelf());
  } catch (err) {
    return {
      requested,
      applied: false,
      detail: `cannot read /proc/thread-self (${firstLine(err)})`,
    };
  }
  if (tid === null)
    return { requested, applied: false, detail: '/proc/thread-self does not name a thread id' };
  try {
    deps.chrt(['--idle', '--pid', '0', String(tid)]);
  } catch (err) {
    return {
      requested,
      applied: false,
      detail: `chrt --idle --pid 0 ${tid} failed (${firstLine(err)}); install util-linux, or allow sched_setscheduler`,
    };
  }
  return { requested, applied: true, detail: `thread ${tid} runs as SCHED_IDLE` };
}

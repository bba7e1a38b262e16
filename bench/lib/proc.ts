/** Per-process CPU time and memory read from /proc (Linux), so a child needs no cooperation. */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds (user + system, all threads) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_S;
}

/** Resident set size, bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** CPU seconds and wall seconds between two readings give cores used. */
export interface CpuReading {
  cpuS: number;
  wallMs: number;
}

export function readCpu(pid: number): CpuReading {
  return { cpuS: cpuSeconds(pid), wallMs: performance.now() };
}

export function coresUsed(a: CpuReading, b: CpuReading): number {
  const wallS = (b.wallMs - a.wallMs) / 1000;
  return wallS > 0 ? (b.cpuS - a.cpuS) / wallS : 0;
}

/**
 * CPU seconds so far per thread name (/proc/PID/task/TID/comm): MainThread (the event loop),
 * WorkerThread (worker_threads, with the ONNX Runtime pool threads they start), V8Worker (garbage
 * collection and compilation helpers), libuv-worker (the libuv pool).
 */
export function cpuByThreadName(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return out;
}

/** Per-thread-name CPU between two readings, milliseconds per `frames`. */
export function cpuMsPerFrameByThread(
  a: Record<string, number>,
  b: Record<string, number>,
  frames: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(b)) {
    const ms = ((s - (a[name] ?? 0)) * 1000) / Math.max(frames, 1);
    out[name] = Math.round(ms * 1000) / 1000;
  }
  return out;
}

/** PIDs of the direct children of a process, from /proc. */
function directChildren(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    /* the process ended */
  }
  return out;
}

/**
 * PIDs of the descendants of a process, from /proc: ffmpeg under the service's launcher
 * (src/source/ffmpeg/launcher.ts), the launcher itself, and anything the service spawned directly.
 */
export function descendantPids(pid: number): number[] {
  const out: number[] = [];
  for (let todo = directChildren(pid); todo.length;) {
    out.push(...todo);
    todo = todo.flatMap(directChildren);
  }
  return out;
}

/**
 * CPU seconds of the descendants of `pid` that are running now, by PID (0 for one that ended);
 * with `comm`, only those of that command name (/proc/PID/comm).
 */
export function descendantCpuSeconds(pid: number, comm?: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of descendantPids(pid)) {
    try {
      if (comm !== undefined && readFileSync(`/proc/${c}/comm`, 'utf8').trim() !== comm) continue;
      out.set(c, cpuSeconds(c));
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}

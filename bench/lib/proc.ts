/** Per-process CPU time and memory read from /proc (Linux), so a child needs no cooperation. */
import { readFileSync } from 'node:fs';

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

/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): self time by function and by component, so
 * that a goal that is not met can be explained with the profile that shows why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  /** Wall time the profile covers, ms. */
  totalMs: number;
  /** Time not idle (program + functions + GC), ms. */
  busyMs: number;
  byComponent: Array<{ component: string; ms: number; share: number }>;
  topFunctions: Array<{ fn: string; ms: number; share: number }>;
}

/** Which part of the system a frame's code belongs to. */
export function componentOf(url: string, fn: string): string {
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)') return 'program (native, outside JS)';
  if (fn === 'run' && url === '') return 'native';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  const s = /\/(?:dist|src)\/([^/]+)\/(?:([^/]+)\/)?/.exec(url);
  if (s) return s[1] === 'source' && s[2] ? `adeline ${s[1]}/${s[2]}` : `adeline ${s[1]}`;
  if (url.startsWith('node:')) return 'node core';
  return url === '' ? 'native' : 'other';
}

/** A time range on the monotonic clock, microseconds (process.hrtime, as V8 profiles use). */
export interface MonotonicWindow {
  fromUs: number;
  toUs: number;
}

/** The monotonic clock the profiles use, microseconds. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export function summariseProfile(path: string, top = 15, window?: MonotonicWindow): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i] ?? 0;
    t += delta;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + delta / 1000);
  }
  const comp = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += ms;
    const { functionName, url, lineNumber } = n.callFrame;
    const c = componentOf(url, functionName);
    if (c === 'idle') idle += ms;
    comp.set(c, (comp.get(c) ?? 0) + ms);
    const file = url.replace(/^.*\/(node_modules|dist|src)\//, '$1/');
    const key =
      `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const busy = total - idle;
  const share = (ms: number) => Math.round((ms / Math.max(busy, 1e-9)) * 1000) / 10;
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    file: path,
    totalMs: Math.round(total),
    busyMs: Math.round(busy),
    byComponent: sorted(comp)
      .filter(([c]) => c !== 'idle')
      .map(([component, ms]) => ({ component, ms: Math.round(ms), share: share(ms) })),
    topFunctions: sorted(fns)
      .filter(([f]) => !f.startsWith('(idle)'))
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms: Math.round(ms), share: share(ms) })),
  };
}

/** Every profile in a directory (one per thread: the main thread and the inference worker). */
export function summariseDir(dir: string, top = 15, window?: MonotonicWindow): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => summariseProfile(join(dir, f), top, window))
    .filter((s) => s.totalMs > 0);
}

export function formatSummary(s: ProfileSummary): string {
  const lines = [`${s.file}: ${s.busyMs} ms busy of ${s.totalMs} ms`];
  for (const c of s.byComponent.slice(0, 12))
    lines.push(`  ${String(c.share).padStart(5)} %  ${c.component}`);
  lines.push('  top functions (self time):');
  for (const f of s.topFunctions) lines.push(`  ${String(f.share).padStart(5)} %  ${f.fn}`);
  return lines.join('\n');
}

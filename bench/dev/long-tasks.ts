/**
 * Development tool: the longest busy stretches of a thread in a V8 .cpuprofile (node --cpu-prof),
 * each with the functions that took its time. An event-loop delay spike is such a stretch: this
 * shows what it was made of.
 *
 *   node --import tsx bench/dev/long-tasks.ts FILE.cpuprofile [count=10] [min_ms=5]
 *
 * A stretch is a run of samples that are not "(idle)"; idle gaps shorter than 0.3 ms join two.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

const [file, countArg, minArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: long-tasks.ts FILE.cpuprofile [count=10] [min_ms=5]');
  process.exit(2);
}
const count = Number(countArg ?? 10);
const minMs = Number(minArg ?? 5);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (id: number): string => {
  const n = byId.get(id);
  if (!n) return '?';
  const { functionName, url, lineNumber } = n.callFrame;
  const f = url.replace(/^.*\/(node_modules|dist|src)\//, '$1/');
  return `${functionName || '(anonymous)'}${f ? ` ${f}:${lineNumber + 1}` : ''}`;
};
/** The nearest caller from Adeline's own code, to say which part of it the time belongs to. */
const owner = (id: number): string => {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur)?.callFrame.url ?? '';
    if (/\/(dist|src)\//.test(url) && !url.includes('node_modules')) return label(cur);
  }
  return '(no adeline frame)';
};

interface Stretch {
  startMs: number;
  ms: number;
  self: Map<string, number>;
  owners: Map<string, number>;
}
const stretches: Stretch[] = [];
let cur: Stretch | null = null;
let idleRun = 0;
let t = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = (p.timeDeltas[i] ?? 0) / 1000;
  t += d;
  const id = p.samples[i] as number;
  const fn = byId.get(id)?.callFrame.functionName;
  if (fn === '(idle)') {
    idleRun += d;
    if (cur && idleRun > 0.3) {
      stretches.push(cur);
      cur = null;
    }
    continue;
  }
  idleRun = 0;
  cur ??= { startMs: t, ms: 0, self: new Map(), owners: new Map() };
  cur.ms += d;
  const l = label(id);
  cur.self.set(l, (cur.self.get(l) ?? 0) + d);
  const o = owner(id);
  cur.owners.set(o, (cur.owners.get(o) ?? 0) + d);
}
if (cur) stretches.push(cur);
const top = stretches
  .filter((s) => s.ms >= minMs)
  .sort((a, b) => b.ms - a.ms)
  .slice(0, count);
console.log(
  `${stretches.length} busy stretches; ${stretches.filter((s) => s.ms >= minMs).length} of ${minMs} ms or more`,
);
const fmt = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `      ${v.toFixed(1).padStart(6)} ms ${k}`)
    .join('\n');
for (const s of top) {
  console.log(`${s.ms.toFixed(1)} ms at ${(s.startMs / 1000).toFixed(2)} s`);
  console.log(`    self:\n${fmt(s.self, 6)}\n    under:\n${fmt(s.owners, 4)}`);
}

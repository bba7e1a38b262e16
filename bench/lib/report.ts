/** The table printed at the end of a run, as plain text and as Markdown (docs/benchmarks.md). */
import type { Goal, Results } from './results.js';

const mark = (met: boolean | null): string => (met === null ? 'n/a' : met ? 'met' : 'NOT MET');

function figure(g: Goal): string {
  if (g.value === null) return '-';
  return g.unit === 'ratio' ? g.value.toFixed(3) : `${g.value} ${g.unit}`;
}

function rows(goals: Goal[]): string[][] {
  return goals.map((g) => [
    g.section,
    g.title,
    g.model ?? '-',
    figure(g),
    g.goal,
    mark(g.met),
    g.absolute,
  ]);
}

const HEADERS = ['benchmark', 'figure', 'model', 'value', 'goal', 'result', 'absolute figures'];

export function textTable(goals: Goal[]): string {
  const all = [HEADERS, ...rows(goals)];
  const widths = HEADERS.map((_, i) =>
    Math.min(i === 6 ? 200 : 60, Math.max(...all.map((r) => (r[i] ?? '').length))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(HEADERS),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows(goals).map(line),
  ].join('\n');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function markdownTable(goals: Goal[]): string {
  const head = `| ${HEADERS.join(' | ')} |\n|${HEADERS.map(() => '---').join('|')}|`;
  return [head, ...rows(goals).map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function header(r: Results): string {
  const m = r.machine;
  return [
    `Adeline benchmarks — ${r.date}${r.quick ? ' (QUICK development run: not results)' : ''}`,
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `node ${m.node}, onnxruntime-node ${m.onnxruntime}; command: ${r.command}`,
    `load average at start ${r.loadAverage.start.join(' ')}, at end ${r.loadAverage.end.join(' ')}; took ${r.durationS} s`,
    ...r.warnings.map((w) => `WARNING: ${w}`),
  ].join('\n');
}

/**
 * `--write-docs`: replaces the generated results section of docs/benchmarks.md and the headline
 * ratios in the README (issue 7: the README quotes the headline ratios).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/processes.js';
import { header, markdownTable } from './report.js';
import type { Goal, Results } from './results.js';
import { writeFormatted } from './write.js';

export const DOCS_START = '<!-- BENCH-RESULTS:START (written by npm run bench -- --write-docs) -->';
export const DOCS_END = '<!-- BENCH-RESULTS:END -->';
export const README_START = '<!-- BEGIN GENERATED: bench-headline -->';
export const README_END = '<!-- END GENERATED: bench-headline -->';

async function replaceBetween(
  path: string,
  start: string,
  end: string,
  body: string,
): Promise<void> {
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path} has no ${start} … ${end} section`);
  await writeFormatted(path, `${text.slice(0, a + start.length)}\n\n${body}\n\n${text.slice(b)}`);
}

function figures(goals: Goal[], prefix: string): string {
  const list = goals.filter((g) => g.id.startsWith(`${prefix}.`) && g.value !== null);
  if (list.length === 0) return 'not measured';
  return list
    .map((g) => {
      const v = g.unit === 'ratio' ? (g.value as number).toFixed(2) : `${g.value} ${g.unit}`;
      const who = g.model ? ` ${g.model.replace(/ \(.*\)$/, '')}` : '';
      return `**${v}**${who}${g.met === false ? ' (not met)' : ''}`;
    })
    .join(', ');
}

function value(goals: Goal[], id: string): string {
  const g = goals.find((x) => x.id === id);
  return g && g.value !== null
    ? `**${g.value} ${g.unit}**${g.met === false ? ' (not met)' : ''}`
    : 'not measured';
}

export function headline(r: Results): string {
  const g = r.goals;
  const m = r.machine;
  return [
    `Measured ${r.date.slice(0, 10)} on ${m.cpuModel}, ${m.cores} cores, Node ${m.node} (\`${r.command}\`):`,
    '',
    `- Pipeline efficiency, full pipeline ÷ bare ONNX Runtime (goal ≥ 0.95): ${figures(g, 'efficiency')}`,
    `- Telemetry overhead, full vs disabled (goal ≤ 1 %): ${figures(g, 'telemetry_overhead')}`,
    `- MQTT publish path, data plane ÷ bare mqtt.js (goal ≥ 0.9): ${figures(g, 'mqtt_publish').split(', ')[0]}`,
    `- /health/ready p99 at full speed (goal < 50 ms): ${figures(g, 'ready_probe_p99')}`,
    `- Event-loop max delay at full speed (goal < 20 ms): ${figures(g, 'event_loop_max_service')}`,
    `- Real video (\`../shared/realworld\`), pipeline ÷ limit 1/(1/decode_fps + 1/ort_fps) (goal ≥ 0.9): ${figures(g, 'realvideo_efficiency')}`,
    `- Real video, event-loop max delay (goal < 20 ms): ${figures(g, 'realvideo_event_loop_max')}; /health/ready p99 (goal < 50 ms): ${figures(g, 'realvideo_ready_p99')}`,
    `- Soak, 20,000 frames (goal < 5 % growth): RSS ${value(g, 'soak.rss')}, heap ${value(g, 'soak.heap')}`,
    `- Burst of 2,000 control commands (goal: all answered, RSS 60 s later < 10 % above before): ${value(g, 'burst.answered')} answered, RSS ${value(g, 'burst.rss')}`,
    ...(r.warnings.length > 0 ? ['', `_Warnings of this run: ${r.warnings.join('; ')}._`] : []),
  ].join('\n');
}

export async function writeDocs(r: Results): Promise<void> {
  const table = `${header(r).replace(/^/gm, '    ')}\n\n${markdownTable(r.goals)}`;
  await replaceBetween(join(REPO_ROOT, 'docs', 'benchmarks.md'), DOCS_START, DOCS_END, table);
  await replaceBetween(join(REPO_ROOT, 'README.md'), README_START, README_END, headline(r));
}

/** Renders docs/telemetry.md's tables from src/telemetry/schema.ts. */
import {
  ATTRS,
  LOG_EVENTS,
  METRICS,
  SPAN_EVENTS,
  SPANS,
  STAGES,
} from '../../src/telemetry/schema.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function renderTelemetryTables(): string {
  const out: string[] = [];
  out.push('### Spans', '', '| span | meaning |', '|---|---|');
  for (const s of Object.values(SPANS)) out.push(`| \`${s.name}\` | ${esc(s.description)} |`);
  out.push(
    '',
    `Stages, in order (the \`stage\` label and one child span each): ${STAGES.map((s) => `\`${s}\``).join(', ')}.`,
    '',
  );
  out.push('### Span attributes', '', '| attribute | type | meaning |', '|---|---|---|');
  for (const a of Object.values(ATTRS))
    out.push(`| \`${a.name}\` | ${a.type} | ${esc(a.description)} |`);
  out.push('', '### Span events', '', '| event |', '|---|');
  for (const e of Object.values(SPAN_EVENTS)) out.push(`| \`${e}\` |`);
  out.push(
    '',
    '### Metrics',
    '',
    '| metric | type | unit | labels | meaning |',
    '|---|---|---|---|---|',
  );
  for (const m of Object.values(METRICS)) {
    out.push(
      `| \`${m.name}\` | ${m.type} | ${m.unit} | ${m.labels.map((l) => `\`${l}\``).join(', ') || '—'} | ${esc(m.description)} |`,
    );
  }
  out.push('', '### Log events', '', '| event | level | meaning |', '|---|---|---|');
  for (const [name, e] of Object.entries(LOG_EVENTS))
    out.push(`| \`${name}\` | ${e.level} | ${esc(e.description)} |`);
  out.push('');
  return out.join('\n');
}

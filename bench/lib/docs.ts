/** `--write-docs`: replaces the generated results section of docs/benchmarks.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/processes.js';
import { header, markdownTable } from './report.js';
import type { Results } from './results.js';
import { writeFormatted } from './write.js';

export const START = '<!-- BENCH-RESULTS:START (written by npm run bench -- --write-docs) -->';
export const END = '<!-- BENCH-RESULTS:END -->';

export async function writeDocsSection(r: Results): Promise<void> {
  const path = join(REPO_ROOT, 'docs', 'benchmarks.md');
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${path} has no ${START} … ${END} section`);
  const body = `\n\n${header(r).replace(/^/gm, '    ')}\n\n${markdownTable(r.goals)}\n\n`;
  await writeFormatted(path, text.slice(0, a + START.length) + body + text.slice(b));
}

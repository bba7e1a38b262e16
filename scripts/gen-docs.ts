/**
 * Regenerates the generated parts of docs/configuration.md and docs/telemetry.md from the
 * schemas. Run: npm run docs. test/unit/docs-in-step.test.ts fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigTables } from './docs/config-doc.js';
import { renderTelemetryTables } from './docs/telemetry-doc.js';
import { replaceBetween } from './docs/markers.js';
import { renderErrorTable } from './docs/errors-doc.js';

const root = new URL('../', import.meta.url).pathname;
for (const [file, name, render] of [
  ['docs/configuration.md', 'options', renderConfigTables],
  ['docs/telemetry.md', 'schema', renderTelemetryTables],
  ['docs/errors.md', 'errors', renderErrorTable],
] as const) {
  const path = root + file;
  writeFileSync(path, replaceBetween(readFileSync(path, 'utf8'), name, render()));
  console.log(`updated ${file}`);
}

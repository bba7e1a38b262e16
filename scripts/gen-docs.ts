/**
 * Regenerates the generated parts of docs/configuration.md, docs/telemetry.md and docs/errors.md
 * from the schemas. Run: npm run docs. test/unit/docs-in-step.test.ts fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { GENERATED_DOCS } from './docs/generated-docs.js';
import { renderDoc } from './docs/render-doc.js';

const root = new URL('../', import.meta.url).pathname;
for (const { file, name, render } of GENERATED_DOCS) {
  writeFileSync(root + file, await renderDoc(root + file, name, render()));
  console.log(`updated ${file}`);
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { between } from '../../scripts/docs/markers.js';
import { GENERATED_DOCS } from '../../scripts/docs/generated-docs.js';
import { renderDoc } from '../../scripts/docs/render-doc.js';
import { ATTRS, LOG_EVENTS, METRICS, SPANS } from '../../src/telemetry/schema.js';
import { ERROR_CODES } from '../../src/domain/errors.js';

const read = (f: string) => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');

describe('docs stay in step with the code', () => {
  for (const { file, name, render } of GENERATED_DOCS) {
    it(`${file} is what \`npm run docs\` generates from the code`, async () => {
      const path = new URL(`../../${file}`, import.meta.url).pathname;
      assert.equal(
        read(file),
        await renderDoc(path, name, render()),
        `run \`npm run docs\` to regenerate ${file}`,
      );
    });
  }

  it('docs/telemetry.md lists every span, attribute, metric and log event of the schema', () => {
    const doc = read('docs/telemetry.md');
    for (const s of Object.values(SPANS)) assert.ok(doc.includes(`\`${s.name}\``), s.name);
    for (const a of Object.values(ATTRS)) assert.ok(doc.includes(`\`${a.name}\``), a.name);
    for (const m of Object.values(METRICS)) assert.ok(doc.includes(`\`${m.name}\``), m.name);
    for (const e of Object.keys(LOG_EVENTS)) assert.ok(doc.includes(`\`${e}\``), e);
  });

  it('docs/telemetry.md names no metric that the schema does not define', () => {
    const known = new Set(Object.values(METRICS).map((m) => m.name));
    const table = between(read('docs/telemetry.md'), 'schema') ?? '';
    const listed = [...table.matchAll(/^\| `(adeline_[a-z0-9_]+)` +\|/gm)].map(
      (m) => m[1] as string,
    );
    assert.ok(listed.length >= known.size, `found ${listed.length} metric rows`);
    for (const name of listed) assert.ok(known.has(name), `${name} is documented but not defined`);
  });

  it('docs/errors.md documents every error code', () => {
    const doc = read('docs/errors.md');
    for (const code of Object.keys(ERROR_CODES))
      assert.ok(doc.includes(`\`${code}\``), `${code} missing from docs/errors.md`);
  });

  it('every metric name follows the Prometheus conventions (prefix, _total on counters only, unit suffix)', () => {
    for (const m of Object.values(METRICS)) {
      assert.match(m.name, /^adeline_[a-z0-9_]+$/);
      assert.equal(
        m.name.endsWith('_total'),
        m.type === 'counter',
        `${m.name}: _total iff counter`,
      );
      if (m.unit === 's') assert.ok(m.name.endsWith('_seconds'), `${m.name} has unit s`);
      if (m.unit === 'By') assert.ok(m.name.endsWith('_bytes'), `${m.name} has unit By`);
    }
  });
});

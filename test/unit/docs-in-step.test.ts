import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderConfigTables } from '../../scripts/docs/config-doc.js';
import { renderTelemetryTables } from '../../scripts/docs/telemetry-doc.js';
import { between } from '../../scripts/docs/markers.js';
import { renderErrorTable } from '../../scripts/docs/errors-doc.js';
import { ATTRS, LOG_EVENTS, METRICS, SPANS } from '../../src/telemetry/schema.js';
import { ERROR_CODES } from '../../src/domain/errors.js';

const read = (f: string) => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8');

describe('docs stay in step with the code', () => {
  it('docs/telemetry.md lists exactly the spans, attributes, metrics and log events of the schema', () => {
    const doc = read('docs/telemetry.md');
    assert.equal(
      between(doc, 'schema'),
      renderTelemetryTables(),
      'run `npm run docs` to regenerate docs/telemetry.md',
    );
    for (const s of Object.values(SPANS)) assert.ok(doc.includes(`\`${s.name}\``), s.name);
    for (const a of Object.values(ATTRS)) assert.ok(doc.includes(`\`${a.name}\``), a.name);
    for (const m of Object.values(METRICS)) assert.ok(doc.includes(`\`${m.name}\``), m.name);
    for (const e of Object.keys(LOG_EVENTS)) assert.ok(doc.includes(`\`${e}\``), e);
  });

  it('docs/telemetry.md names no metric that the schema does not define', () => {
    const doc = read('docs/telemetry.md');
    const known = new Set(Object.values(METRICS).map((m) => m.name));
    const table = between(doc, 'schema') ?? '';
    const listed = [...table.matchAll(/^\| `(adeline_[a-z0-9_]+)` \|/gm)].map(
      (m) => m[1] as string,
    );
    assert.ok(listed.length >= known.size);
    for (const name of listed) assert.ok(known.has(name), `${name} is documented but not defined`);
  });

  it('docs/configuration.md documents every option of the config schema', () => {
    assert.equal(
      between(read('docs/configuration.md'), 'options'),
      renderConfigTables(),
      'run `npm run docs` to regenerate docs/configuration.md',
    );
  });

  it('docs/errors.md documents every error code', () => {
    const doc = read('docs/errors.md');
    assert.equal(
      between(doc, 'errors'),
      renderErrorTable(),
      'run `npm run docs` to regenerate docs/errors.md',
    );
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

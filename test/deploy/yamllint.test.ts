/** yamllint (with the repository's .yamllint) is clean on every deployment YAML file. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './deploy-files.js';

const PATHS = ['deploy', 'otel-collector', 'docker-compose.yml', '.yamllint'];

describe('yamllint', () => {
  it('finds no problem in the deployment YAML', () => {
    const r = run('yamllint', ['--strict', '-f', 'parsable', ...PATHS]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('reports duplicate keys with the same config (the check is real)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'adeline-yaml-')), 'dup.yaml');
    writeFileSync(file, 'a: 1\na: 2\n');
    const r = run('yamllint', ['-c', '.yamllint', '-f', 'parsable', file]);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /duplication of key "a"/);
  });
});

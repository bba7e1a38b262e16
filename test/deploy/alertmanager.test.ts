/** The Alertmanager config passes Debian's amtool and routes every severity the rules use. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { at, readYaml, run } from './deploy-files.js';

describe('Alertmanager config', () => {
  it('passes amtool check-config', () => {
    const r = run('amtool', ['check-config', 'deploy/alertmanager/alertmanager.yml']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS/);
  });

  it('rejects a route to a receiver that does not exist (the check is real)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'adeline-am-')), 'am.yml');
    writeFileSync(file, 'route:\n  receiver: nobody\nreceivers:\n  - name: team\n');
    const r = run('amtool', ['check-config', file]);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /undefined receiver "nobody"/);
  });

  it('routes critical alerts to the on-call receiver', () => {
    const cfg = readYaml('deploy/alertmanager/alertmanager.yml');
    assert.equal(at(cfg, 'route', 'routes', 0, 'receiver'), 'oncall');
    assert.deepEqual(at(cfg, 'route', 'routes', 0, 'matchers'), ['severity="critical"']);
    assert.ok(
      (at(cfg, 'route', 'group_by') as string[]).includes('source_id'),
      'stalled sources are grouped per source',
    );
  });
});

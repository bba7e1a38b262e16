/**
 * `adeline run` on a real terminal (a pseudo-terminal from util-linux `script`): it prints where
 * to look once started, and each pretty log record is one line printed above the progress line,
 * which is erased first and redrawn after it.
 */
/* eslint-disable no-control-regex -- the test reads terminal escape sequences */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { REPO_ROOT, startProcess, tempDir } from '../helpers/processes.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('adeline run on a terminal', function () {
  this.timeout(60_000);

  it('prints where to look and keeps log lines above the redrawn progress line', async () => {
    const set: Record<string, string | number | boolean> = {
      'health.port': 0,
      'mqtt.embedded.port': 0,
      'spool.dir': join(tempDir('adeline-tty-'), 'spool'),
      'telemetry.otlp.endpoint': 'http://127.0.0.1:9',
      'telemetry.otlp.timeout_ms': 500,
      'telemetry.metrics.host': false,
      'logging.pretty': 'auto',
    };
    const args = ['run', '--frames', '25', '--max-fps', '5'];
    for (const [k, v] of Object.entries(set)) args.push('--set', `${k}=${String(v)}`);
    const cmd = [join(REPO_ROOT, 'bin', 'adeline'), ...args].map(quote).join(' ');
    const proc = startProcess('script', ['-qfec', cmd, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TERM: 'xterm', COLUMNS: '300' },
    });
    const code = await proc.exited;
    const out = proc.stdout();
    assert.equal(code, 0, out.slice(-2000));
    const plain = out.replace(/\x1b\[[0-9;]*m/g, ''); // colours off; \x1b[K (erase line) kept
    assert.match(plain, /Adeline is running\. Where to look:/);
    assert.match(plain, /live view +http:\/\/127\.0\.0\.1:\d+\/live/);
    assert.match(plain, /health +http:\/\/127\.0\.0\.1:\d+\/health\/detailed/);
    assert.match(plain, /metrics +http:\/\/127\.0\.0\.1:\d+\/metrics/);
    assert.match(plain, /monitor +adeline monitor --broker mqtt:\/\/127\.0\.0\.1:\d+/);
    // The progress line was drawn, and a log record came while it was shown.
    const progress = /\rframes \d+ +[\d.]+ fps[^\r\n]*\x1b\[K/g;
    assert.ok(progress.test(plain), 'a progress line');
    // Whatever follows a drawn progress line on the same terminal line is an erase or a redraw,
    // never log text glued to it.
    for (const m of plain.matchAll(/frames \d+ +[\d.]+ fps[^\r\n]*?\x1b\[K([^\r\n]?)/g))
      assert.ok(
        m[1] === '' || m[1] === '\r',
        `text glued to the progress line: ${JSON.stringify(m[0])}`,
      );
    // The stop record, logged while the progress line was up: on one line, fields included,
    // with the progress erased before it.
    const stop = plain.split(/\r?\n/).find((l) => l.includes('stopping: frame limit reached'));
    assert.ok(stop, 'the service_stopping record');
    assert.match(stop, /"reason": ?"frame limit reached"/);
    assert.match(stop, /\r\x1b\[K[^\r]*stopping: frame limit reached/);
  });
});

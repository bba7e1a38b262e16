import assert from 'node:assert/strict';
import { TtyLines } from '../../src/cli/tty-lines.js';
import { formatWhereToLook } from '../../src/cli/where-to-look.js';

describe('terminal output of adeline run', () => {
  it('prints a log line above the progress line and redraws the progress below it', () => {
    const writes: Array<[string, string]> = [];
    const t = new TtyLines(
      { write: (s: string) => writes.push(['out', s]) },
      { write: (s: string) => writes.push(['err', s]) },
    );
    t.log('before\n');
    t.progress('frames 10\nfps 2');
    t.log('a log line\n');
    t.clear();
    assert.deepEqual(writes, [
      ['out', 'before\n'],
      ['err', '\rframes 10 fps 2\x1b[K'],
      ['err', '\r\x1b[K'],
      ['out', 'a log line\n'],
      ['err', '\rframes 10 fps 2\x1b[K'],
      ['err', '\r\x1b[K'],
    ]);
  });

  it('prints where to look, with the broker credentials removed', () => {
    const text = formatWhereToLook({
      healthHost: '0.0.0.0',
      healthPort: 8080,
      liveView: true,
      brokerUrl: 'mqtt://user:pw@broker:1883',
      configFile: null,
    });
    assert.match(text, /live view +http:\/\/127\.0\.0\.1:8080\/live/);
    assert.match(text, /health +http:\/\/127\.0\.0\.1:8080\/health\/detailed/);
    assert.match(text, /metrics +http:\/\/127\.0\.0\.1:8080\/metrics/);
    assert.match(text, /monitor +adeline monitor --broker mqtt:\/\/broker:1883/);
    assert.ok(!text.includes('pw'));
  });

  it('says the live view is off when it is', () => {
    const text = formatWhereToLook({
      healthHost: '127.0.0.1',
      healthPort: 9,
      liveView: false,
      brokerUrl: null,
      configFile: 'my conf.yaml',
    });
    assert.match(text, /live view +off \(live_view\.enabled\)/);
    assert.match(text, /adeline monitor -c 'my conf\.yaml'/);
  });
});

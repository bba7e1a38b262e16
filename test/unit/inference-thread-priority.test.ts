import { strict as assert } from 'node:assert';
import {
  applyThreadPriority,
  threadIdOf,
  type PriorityDeps,
} from '../../src/inference/thread-priority.js';

function deps(over: Partial<PriorityDeps> = {}): PriorityDeps & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    platform: 'linux',
    threadSelf: () => '4100/task/4123',
    chrt: (args) => {
      calls.push(args);
    },
    calls,
    ...over,
  };
}

describe('inference thread priority (pure logic)', () => {
  it('reads the thread id from a /proc/thread-self link, and nothing else', () => {
    assert.equal(threadIdOf('4100/task/4123'), 4123);
    assert.equal(threadIdOf('/proc/4100/task/4123\n'), 4123);
    assert.equal(threadIdOf('4100'), null);
    assert.equal(threadIdOf('4100/task/'), null);
    assert.equal(threadIdOf('self/task/12'), null);
  });

  it('normal runs no command', () => {
    const d = deps();
    const o = applyThreadPriority('normal', d);
    assert.equal(o.applied, true);
    assert.deepEqual(d.calls, []);
  });

  it('background runs chrt --idle on the calling thread id', () => {
    const d = deps();
    const o = applyThreadPriority('background', d);
    assert.deepEqual(d.calls, [['--idle', '--pid', '0', '4123']]);
    assert.equal(o.applied, true);
    assert.match(o.detail, /thread 4123 runs as SCHED_IDLE/);
  });

  it('says why, and does not throw, when it cannot be applied', () => {
    const notLinux = applyThreadPriority('background', deps({ platform: 'darwin' }));
    assert.equal(notLinux.applied, false);
    assert.match(notLinux.detail, /Linux only \(this is darwin\)/);

    const noProc = applyThreadPriority(
      'background',
      deps({
        threadSelf: () => {
          throw new Error("ENOENT: no such file or directory, readlink '/proc/thread-self'");
        },
      }),
    );
    assert.equal(noProc.applied, false);
    assert.match(noProc.detail, /cannot read \/proc\/thread-self \(ENOENT/);

    const odd = applyThreadPriority('background', deps({ threadSelf: () => 'garbage' }));
    assert.equal(odd.applied, false);
    assert.match(odd.detail, /does not name a thread id/);

    const refused = applyThreadPriority(
      'background',
      deps({
        chrt: () => {
          throw Object.assign(new Error('Command failed'), {
            stderr: Buffer.from("chrt: failed to set pid 4123's policy: Operation not permitted\n"),
          });
        },
      }),
    );
    assert.equal(refused.applied, false);
    assert.match(
      refused.detail,
      /chrt --idle --pid 0 4123 failed \(chrt: failed .* Operation not permitted\)/,
    );
    assert.match(refused.detail, /util-linux/);

    const missing = applyThreadPriority(
      'background',
      deps({
        chrt: () => {
          throw new Error('spawnSync chrt ENOENT');
        },
      }),
    );
    assert.match(missing.detail, /spawnSync chrt ENOENT/);
  });
});

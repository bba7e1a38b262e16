/**
 * Control commands against the real service (embedded broker, real controller): the replies, the
 * paused state reaching metrics, runtime log level, errors for commands that do not apply, and a
 * stop command that ends the process cleanly.
 */
import assert from 'node:assert/strict';
import { startAdeline, stopAll } from '../helpers/processes.js';
import { startService, type ServiceRun } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

interface Reply {
  status: string;
  command?: string;
  error?: { code: string; message: string };
  valid_commands?: string[];
}

async function control(
  broker: string,
  command: string,
  extra: string[] = [],
): Promise<{ code: number | string; reply: Reply; out: string }> {
  const p = startAdeline([
    'control',
    command,
    '--broker',
    broker,
    '--json',
    '--timeout',
    '10000',
    ...extra,
  ]);
  const code = await p.exited;
  const line =
    p
      .stdout()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop() ?? '{}';
  return { code, reply: JSON.parse(line) as Reply, out: p.stdout() + p.stderr() };
}

const gauge = (text: string, name: string, labels: string) =>
  Number(new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('control commands on the running service', function () {
  this.timeout(90_000);
  let run: ServiceRun;
  let broker: string;

  before(async () => {
    run = startService({ args: ['--max-fps', '10'] });
    const started = await run.waitForEvent('embedded_broker_started');
    broker = `mqtt://127.0.0.1:${String(started.port)}`;
    await run.healthPort();
  });
  after(() => stopAll());

  it('answers status with running, then pause with paused, and the sources report paused in /metrics', async () => {
    const status = await control(broker, 'status');
    assert.equal(status.code, 0, status.out);
    assert.equal(status.reply.status, 'running');
    const paused = await control(broker, 'pause');
    assert.equal(paused.code, 0, paused.out);
    assert.equal(paused.reply.status, 'paused');
    assert.equal((await control(broker, 'status')).reply.status, 'paused');
    await waitFor(
      async () =>
        gauge((await run.get('/metrics')).body, 'adeline_source_state', 'state="paused"') === 1,
      {
        what: 'adeline_source_state{state="paused"} = 1',
      },
    );
    const resumed = await control(broker, 'resume');
    assert.equal(resumed.reply.status, 'running');
    await waitFor(
      async () =>
        gauge((await run.get('/metrics')).body, 'adeline_source_state', 'state="paused"') === 0,
      {
        what: 'source no longer paused',
      },
    );
  });

  it('replies with an error naming the mode to toggle_crop and stabilization_stats when they do not apply', async () => {
    for (const cmd of ['toggle_crop', 'stabilization_stats']) {
      const r = await control(broker, cmd);
      assert.equal(r.code, 1, `${cmd} must exit 1 on an error reply: ${r.out}`);
      assert.equal(r.reply.status, 'error');
      assert.equal(r.reply.error?.code, 'ADELINE_ERR_COMMAND_NOT_APPLICABLE');
    }
  });

  it('changes the log level at runtime with set_log_level', async () => {
    const before = run.logs().filter((l) => l.event === 'frame_processed').length;
    assert.equal(before, 0, 'no per-frame debug lines at info');
    const r = await control(broker, 'set_log_level', ['--level', 'debug']);
    assert.equal(r.code, 0, r.out);
    await run.waitForEvent('frame_processed');
    const bad = await control(broker, 'set_log_level', ['--level', 'loud']);
    assert.equal(bad.code, 1, bad.out);
    assert.equal(bad.reply.status, 'error');
  });

  it('stops the service with the stop command, which exits 0', async () => {
    const r = await control(broker, 'stop');
    assert.equal(r.code, 0, r.out);
    assert.equal(r.reply.status, 'stopped');
    assert.equal(await run.proc.exited, 0, run.proc.stderr().slice(-1000));
  });
});

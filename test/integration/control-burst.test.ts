/**
 * Issue 13 acceptance: a burst of 2,000 control commands through a real Mosquitto configured as
 * deployed (deploy/mosquitto/mosquitto.conf: authentication, ACL, max_queued_messages,
 * max_inflight_messages), on a free loopback port, into the real service. Every command gets
 * exactly one reply, and the service's command counters match. Memory after the burst is
 * measured in bench/ (scenario `burst`), not here.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { sendBurst } from '../helpers/control-burst.js';
import {
  DEPLOY_USERS,
  startDeployMosquitto,
  type DeployMosquitto,
} from '../helpers/deploy-mosquitto.js';
import { stopAll } from '../helpers/processes.js';
import { startService, type ServiceRun } from '../helpers/service.js';

/** Sum of adeline_commands_total over the series whose labels contain `labels`. */
const counter = (text: string, labels: string): number =>
  [...text.matchAll(/^adeline_commands_total\{([^}]*)\} (\S+)$/gm)]
    .filter((m) => m[1]!.includes(labels))
    .reduce((sum, m) => sum + Number(m[2]), 0);

describe('a burst of 2,000 control commands through the deployed broker config', function () {
  this.timeout(120_000);
  let broker: DeployMosquitto;
  let run: ServiceRun;
  const operator = { username: 'operator', password: DEPLOY_USERS.operator };

  before(async () => {
    broker = await startDeployMosquitto();
    run = startService({
      brokerUrl: broker.url,
      args: ['--max-fps', '10'],
      set: { 'mqtt.broker.username': 'adeline', 'mqtt.broker.password': DEPLOY_USERS.adeline },
    });
    await run.healthPort();
    // One command answered: the service has subscribed to the commands topic.
    const first = await sendBurst({ url: broker.url, count: 1, ...operator, timeoutMs: 20_000 });
    assert.equal(first.missing, 0, 'the service answers a first command');
  });
  after(async () => {
    await run?.stop();
    await broker?.stop();
    await stopAll();
  });

  it("runs the service with V8's young generation capped (bin/adeline), which bounds RSS after a burst", () => {
    const argv = readFileSync(`/proc/${run.proc.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(argv.includes('--max-semi-space-size=16'), argv.join(' '));
  });

  it('answers every one of 2,000 status commands exactly once', async () => {
    const r = await sendBurst({ url: broker.url, count: 2000, ...operator, tag: 'status' });
    assert.equal(r.missing, 0, `replies missing: ${JSON.stringify(r)}`);
    assert.equal(r.duplicated, 0);
    assert.deepEqual(r.byStatus, { running: 2000 });
    const metrics = (await run.get('/metrics')).body;
    assert.ok(
      counter(metrics, 'command="status",outcome="ok"') >= 2001,
      'adeline_commands_total{command="status",outcome="ok"} counts them all',
    );
  });

  it('answers a burst that is half unknown commands: 1,000 ok and 1,000 counted errors', async () => {
    const before = counter((await run.get('/metrics')).body, 'outcome="error"');
    const r = await sendBurst({
      url: broker.url,
      count: 2000,
      ...operator,
      tag: 'mixed',
      bodies: [{ command: 'status' }, { command: 'self_destruct' }],
    });
    assert.equal(r.missing, 0, `replies missing: ${JSON.stringify(r)}`);
    assert.deepEqual(r.byStatus, { running: 1000, error: 1000 });
    assert.deepEqual(r.errors, { ADELINE_ERR_COMMAND_UNKNOWN: 1000 });
    const after = counter((await run.get('/metrics')).body, 'outcome="error"');
    assert.equal(after - before, 1000, 'each unknown command is counted as an error');
    assert.equal(run.proc.child.exitCode, null, 'the service is still running');
  });
});

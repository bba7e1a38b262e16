import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  nodeBin,
  REPO_ROOT,
  startMosquitto,
  startProcess,
  stopAll,
  type Mosquitto,
} from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { Observer } from './mqtt-fixtures.js';

const AVAILABILITY = 'inference/control/availability';

/** A tiny service: a ControlPlane with a stub controller, started in its own process. */
function childScript(port: number): string {
  const src = (f: string): string => JSON.stringify(join(REPO_ROOT, 'src', f));
  return `
    import { ControlPlane } from ${src('planes/control-plane.ts')};
    import { ConfigSchema } from ${src('config/schema.ts')};
    import { configureLogger } from ${src('telemetry/logger.ts')};
    configureLogger({ level: 'silent', pretty: 'never' });
    const mqtt = ConfigSchema.parse({ mqtt: { broker: { host: '127.0.0.1', port: ${port} } } }).mqtt;
    const no = () => { throw new Error('not used'); };
    const controller = { state: () => 'running', pause: async () => {}, resume: async () => {}, stop: async () => {},
      metrics: no, health: no, toggleCrop: no, stabilizationStats: no, setLogLevel: no };
    const plane = new ControlPlane({ mqtt, url: 'mqtt://127.0.0.1:${port}', controller });
    await plane.start();
    console.log('ready ' + plane.connection.clientId);
    setInterval(() => {}, 1 << 30);
  `;
}

describe('MQTT last will', function () {
  this.timeout(30_000);
  let mosq: Mosquitto;
  before(async () => {
    mosq = await startMosquitto();
  });
  after(() => stopAll());

  it('sets availability to offline (retained) when the service is SIGKILLed', async () => {
    const obs = await Observer.open(mosq.port, [AVAILABILITY]);
    const child = startProcess(
      nodeBin(),
      ['--import', 'tsx', '--input-type=module', '-e', childScript(mosq.port)],
      { cwd: REPO_ROOT },
    );
    try {
      await waitFor(() => child.stdout().includes('ready '), {
        timeoutMs: 15_000,
        what: `the child to connect (stderr: ${child.stderr()})`,
      });
      await obs.wait(AVAILABILITY, (m) => m.text === 'online');
      assert.equal(
        obs.on(AVAILABILITY).some((m) => m.text === 'offline'),
        false,
      );
      const code = await child.stop('SIGKILL');
      assert.equal(code, 'SIGKILL');
      const will = await obs.wait(AVAILABILITY, (m) => m.text === 'offline');
      assert.ok(will);
      const late = await Observer.open(mosq.port, [AVAILABILITY]);
      const retained = await late.wait(AVAILABILITY);
      assert.equal(retained.text, 'offline');
      assert.equal(retained.retain, true);
      await late.close();
    } finally {
      await child.stop('SIGKILL');
      await obs.close();
    }
  });
});

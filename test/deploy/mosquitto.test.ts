/**
 * deploy/mosquitto with Debian's mosquitto: clients must authenticate, only `operator` can send
 * control commands that reach the service, and the docker compose healthcheck command works.
 * The broker runs the repository's mosquitto.conf, passwd and acl, with only the listener,
 * file paths and persistence rewritten for a test on a free loopback port.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort, startProcess, waitForPort, type Proc } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { at, readText, readYaml, repoPath, run } from './deploy-files.js';

/** The development users of docs/operations.md#mqtt-users (deploy/mosquitto/passwd). */
const USERS = {
  adeline: 'adeline-dev',
  operator: 'operator-dev',
  viewer: 'viewer-dev',
  healthcheck: 'healthcheck-dev',
} as const;
const COMMANDS = 'inference/control/commands';

describe('Mosquitto authentication and ACLs', function () {
  let port = 0;
  let broker: Proc | undefined;
  const clients: MqttClient[] = [];

  const connect = (username: string, password: string | undefined): Promise<MqttClient> =>
    new Promise((resolve, reject) => {
      const c = mqtt.connect({
        host: '127.0.0.1',
        port,
        username,
        password,
        protocolVersion: 5,
        reconnectPeriod: 0,
        connectTimeout: 3000,
      });
      clients.push(c);
      c.once('connect', () => resolve(c));
      c.once('error', (err) => reject(err));
    });

  before(async () => {
    port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'adeline-mosq-acl-'));
    const conf = readText('deploy/mosquitto/mosquitto.conf')
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace(/\/mosquitto\/config\//g, repoPath('deploy/mosquitto') + '/')
      .replace(/^persistence true$/m, 'persistence false')
      .replace(/^persistence_location .*$/m, '')
      .replace(/^log_dest stdout$/m, 'log_dest stderr');
    assert.match(conf, new RegExp(`^listener ${port} 127.0.0.1$`, 'm'));
    writeFileSync(join(dir, 'mosquitto.conf'), conf);
    broker = startProcess('mosquitto', ['-c', join(dir, 'mosquitto.conf')]);
    await waitForPort(port);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.stop('SIGTERM', 3000);
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await assert.rejects(connect('', undefined), /Not authorized|Bad User Name or Password/i);
    await assert.rejects(connect('operator', 'wrong'), /Not authorized|Bad User Name or Password/i);
  });

  it('delivers control commands from operator but not from viewer or the service itself', async () => {
    const service = await connect('adeline', USERS.adeline);
    const received: string[] = [];
    service.on('message', (_topic, payload) => received.push(payload.toString()));
    await service.subscribeAsync(COMMANDS, { qos: 1 });

    const viewer = await connect('viewer', USERS.viewer);
    await assert.rejects(
      viewer.publishAsync(COMMANDS, '{"command":"stop","from":"viewer"}', { qos: 1 }),
      /not authorized/i,
    );
    await assert.rejects(
      service.publishAsync(COMMANDS, '{"command":"stop","from":"adeline"}', { qos: 1 }),
      /not authorized/i,
    );

    const operator = await connect('operator', USERS.operator);
    await operator.publishAsync(COMMANDS, '{"command":"status","from":"operator"}', { qos: 1 });
    // The refused publishes were answered before this one was sent, so they would arrive first.
    await waitFor(() => received.length > 0, { timeoutMs: 5000, what: 'the operator command' });
    assert.deepEqual(received, ['{"command":"status","from":"operator"}']);
  });

  it('lets viewers read detections but not publish them', async () => {
    const viewer = await connect('viewer', USERS.viewer);
    await assert.rejects(
      viewer.publishAsync('inference/data/detections', '{}', { qos: 1 }),
      /not authorized/i,
    );
    const service = await connect('adeline', USERS.adeline);
    const got = new Promise<string>((resolve) =>
      viewer.once('message', (_t, p) => resolve(p.toString())),
    );
    await viewer.subscribeAsync('inference/data/detections', { qos: 1 });
    await service.publishAsync('inference/data/detections', '{"frame":1}', { qos: 1 });
    assert.equal(await got, '{"frame":1}');
  });

  it('passes the docker compose healthcheck command', () => {
    const test = at(
      readYaml('docker-compose.yml'),
      'services',
      'mosquitto',
      'healthcheck',
      'test',
    ) as string[];
    assert.equal(test[0], 'CMD-SHELL');
    // Compose turns $$ into $; the container's shell then expands the password variable.
    const cmd = String(test[1]).replace(/\$\$/g, '$').replace('-p 1883', `-p ${port}`);
    const r = run('/bin/sh', ['-c', cmd], {
      env: { ...process.env, HEALTHCHECK_MQTT_PASSWORD: USERS.healthcheck },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^mosquitto version 2\./);
    const denied = run('/bin/sh', ['-c', cmd], {
      env: { ...process.env, HEALTHCHECK_MQTT_PASSWORD: 'wrong' },
    });
    assert.notEqual(denied.status, 0);
  });

  it('documents the development users', () => {
    const doc = readText('docs/operations.md');
    for (const [user, password] of Object.entries(USERS))
      assert.match(doc, new RegExp(`\\|\\s*\`${user}\`\\s*\\|\\s*\`${password}\`\\s*\\|`));
  });
});

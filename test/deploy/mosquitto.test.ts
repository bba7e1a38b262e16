/**
 * deploy/mosquitto with Debian's mosquitto: clients must authenticate, only `operator` can send
 * control commands that reach the service, the docker compose healthcheck command works, and the
 * queue, in-flight and persistence limits hold what the service's promises need. The broker runs
 * the repository's mosquitto.conf, passwd and acl, with only the listener, file paths and log
 * destination rewritten for a test on a free loopback port (test/helpers/deploy-mosquitto.ts).
 */
import { strict as assert } from 'node:assert';
import mqtt, { type MqttClient } from 'mqtt';
import {
  DEPLOY_USERS as USERS,
  startDeployMosquitto,
  type DeployMosquitto,
} from '../helpers/deploy-mosquitto.js';
import { waitFor } from '../helpers/wait.js';
import { at, readText, readYaml, run } from './deploy-files.js';

const COMMANDS = 'inference/control/commands';
const DETECTIONS = 'inference/data/detections';

/** The deployed value of a mosquitto.conf option (the last occurrence wins, as in mosquitto). */
function option(conf: string, name: string): string | undefined {
  const all = [...conf.matchAll(new RegExp(`^${name}\\s+(\\S+)\\s*$`, 'gm'))];
  return all.at(-1)?.[1];
}

function connectTo(
  port: number,
  clients: MqttClient[],
  username: string,
  password: string | undefined,
  extra: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect({
      host: '127.0.0.1',
      port,
      username,
      password,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 3000,
      ...extra,
    });
    clients.push(c);
    c.once('connect', () => resolve(c));
    c.once('error', (err) => reject(err));
  });
}

describe('Mosquitto authentication and ACLs', function () {
  let port = 0;
  let broker: DeployMosquitto | undefined;
  const clients: MqttClient[] = [];
  const connect = (username: string, password: string | undefined): Promise<MqttClient> =>
    connectTo(port, clients, username, password);

  before(async () => {
    broker = await startDeployMosquitto();
    port = broker.port;
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.stop();
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
    await assert.rejects(viewer.publishAsync(DETECTIONS, '{}', { qos: 1 }), /not authorized/i);
    const service = await connect('adeline', USERS.adeline);
    const got = new Promise<string>((resolve) =>
      viewer.once('message', (_t, p) => resolve(p.toString())),
    );
    await viewer.subscribeAsync(DETECTIONS, { qos: 1 });
    await service.publishAsync(DETECTIONS, '{"frame":1}', { qos: 1 });
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

describe('Mosquitto queue, in-flight and persistence limits', function () {
  this.timeout(60_000);
  const conf = readText('deploy/mosquitto/mosquitto.conf');
  const clients: MqttClient[] = [];
  let broker: DeployMosquitto | undefined;

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.stop();
  });

  it('sets bounded queues large enough for a 2,000-command burst, and persistence', () => {
    const queued = Number(option(conf, 'max_queued_messages'));
    assert.ok(queued >= 10_000, `max_queued_messages ${queued}: the stock 1000 drops bursts`);
    assert.ok(Number(option(conf, 'max_queued_bytes')) > 0, 'max_queued_bytes bounds memory');
    assert.equal(option(conf, 'max_inflight_messages'), '20');
    assert.equal(option(conf, 'queue_qos0_messages'), 'false');
    assert.equal(option(conf, 'persistence'), 'true');
    assert.equal(option(conf, 'autosave_on_changes'), 'false');
    const autosave = Number(option(conf, 'autosave_interval'));
    assert.ok(autosave > 0 && autosave <= 10, `autosave_interval ${autosave} s`);
    assert.match(option(conf, 'persistent_client_expiration') ?? '', /^\d+[hdwmy]$/);
  });

  it('keeps 2,000 QoS 1 detections (twice the stock queue) for an offline persistent consumer over a broker restart', async () => {
    broker = await startDeployMosquitto();
    const { port, dir } = broker;
    // MQTT 5: clean start off AND a session expiry interval, or the session ends at disconnect.
    const session = {
      clientId: 'deploy-test-consumer',
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    };
    const consumer = await connectTo(port, clients, 'viewer', USERS.viewer, session);
    await consumer.subscribeAsync(DETECTIONS, { qos: 1 });
    await consumer.endAsync();
    const service = await connectTo(port, clients, 'adeline', USERS.adeline);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 2000; i++)
      sends.push(service.publishAsync(DETECTIONS, `q1-${i}`, { qos: 1 }));
    await Promise.all(sends);
    await service.endAsync();
    // SIGTERM: mosquitto saves its database on the way out; the restart reads it back.
    await broker.stop();
    broker = await startDeployMosquitto({ port, dir });
    const got: string[] = [];
    // The queued messages may arrive before connectTo resolves: listen from the first packet.
    const back = connectTo(port, clients, 'viewer', USERS.viewer, session);
    clients.at(-1)!.on('message', (_t, p) => got.push(p.toString()));
    await back;
    await waitFor(() => got.length >= 2000, {
      timeoutMs: 20_000,
      what: '2,000 queued messages',
    }).catch((err: Error) => {
      throw new Error(`${err.message}; received ${got.length}`);
    });
    const expected = Array.from({ length: 2000 }, (_, i) => `q1-${i}`);
    assert.deepEqual(got, expected, 'every message, once, in order');
  });

  it('documents each limit in docs/operations.md and the stock limits in docs/mqtt.md', () => {
    const ops = readText('docs/operations.md');
    for (const key of [
      'max_queued_messages',
      'max_queued_bytes',
      'max_inflight_messages',
      'queue_qos0_messages',
      'autosave_interval',
      'persistent_client_expiration',
    ])
      assert.ok(ops.includes(`\`${key}\``), `docs/operations.md explains ${key}`);
    assert.match(readText('docs/mqtt.md'), /^## Limits a stock broker imposes$/m);
  });
});

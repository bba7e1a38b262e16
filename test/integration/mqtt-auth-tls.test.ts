import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MqttConnection } from '../../src/planes/connection.js';
import { ControlPlane } from '../../src/planes/control-plane.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { freePort, startMosquitto, stopAll, tempDir } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { FakeController, mqttConfig, Observer } from './mqtt-fixtures.js';

/** A test CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makePki(
  dir: string,
): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const p = (f: string): string => join(dir, f);
  const ssl = (...args: string[]): void =>
    void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=adeline-test-ca',
  );
  writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  ssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=adeline-client');
  ssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
  );
  return {
    ca: p('ca.crt'),
    serverCert: p('server.crt'),
    serverKey: p('server.key'),
    clientCert: p('client.crt'),
    clientKey: p('client.key'),
  };
}

describe('MQTT authentication and TLS against a real Mosquitto', function () {
  this.timeout(30_000);
  let port: number;
  let pki: ReturnType<typeof makePki>;
  const url = (): string => `mqtts://127.0.0.1:${port}`;
  const tls = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    tls: {
      enabled: true,
      ca_file: pki.ca,
      cert_file: pki.clientCert,
      key_file: pki.clientKey,
      ...over,
    },
  });
  const creds = (username: string, password: string): Record<string, unknown> => ({
    broker: { host: '127.0.0.1', port, username, password },
  });

  before(async () => {
    configureLogger({ level: 'silent', pretty: 'never' });
    const dir = tempDir('adeline-pki-');
    pki = makePki(dir);
    execFileSync('mosquitto_passwd', ['-c', '-b', join(dir, 'passwd'), 'adeline', 's3cret-pw']);
    // mosquitto drops root privileges to its own user, which must read these test files.
    chmodSync(dir, 0o755);
    for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
    port = await freePort();
    await startMosquitto(
      [
        `listener ${port} 127.0.0.1`,
        `cafile ${pki.ca}`,
        `certfile ${pki.serverCert}`,
        `keyfile ${pki.serverKey}`,
        'require_certificate true',
        'allow_anonymous false',
        `password_file ${join(dir, 'passwd')}`,
      ],
      port,
    );
  });
  after(() => stopAll());

  it('connects over mutual TLS with the right credentials and serves commands', async () => {
    const cfg = mqttConfig(port, { ...creds('adeline', 's3cret-pw'), ...tls() });
    const plane = new ControlPlane({ mqtt: cfg, url: url(), controller: new FakeController() });
    try {
      await plane.start();
      assert.ok(plane.connection.isConnected(), JSON.stringify(plane.connection.status()));
      assert.equal(plane.connection.protocolVersion(), 5);
      assert.equal(plane.healthView().connection, 'connected');
      const obs = await Observer.open(port, ['inference/control/status'], {
        protocol: 'mqtts',
        ca: readFileSync(pki.ca),
        cert: readFileSync(pki.clientCert),
        key: readFileSync(pki.clientKey),
        username: 'adeline',
        password: 's3cret-pw',
      });
      await obs.publish('inference/control/commands', '{"command":"pause","request_id":"tls-1"}');
      const reply = await obs.wait(
        'inference/control/status',
        (m) => (m.json as { request_id?: string }).request_id === 'tls-1',
      );
      assert.equal((reply.json as { status: string }).status, 'paused');
      await obs.close();
    } finally {
      await plane.stop();
    }
  });

  it('takes MQTT_USERNAME and MQTT_PASSWORD from the environment over the config', async () => {
    const cfg = mqttConfig(port, { ...creds('adeline', 'wrong'), ...tls() });
    const conn = new MqttConnection({
      role: 'data',
      url: url(),
      mqtt: cfg,
      env: { MQTT_USERNAME: 'adeline', MQTT_PASSWORD: 's3cret-pw' },
    });
    try {
      await conn.start();
      assert.ok(conn.isConnected(), JSON.stringify(conn.status()));
    } finally {
      await conn.stop();
    }
  });

  it('reports refused credentials as ADELINE_ERR_MQTT_AUTH, keeps running and shows it in health', async () => {
    const cfg = mqttConfig(port, { ...creds('adeline', 'wrong-password'), ...tls() });
    const plane = new ControlPlane({ mqtt: cfg, url: url(), controller: new FakeController() });
    try {
      await plane.start(); // does not throw
      const status = plane.connection.status();
      assert.equal(status.connected, false);
      assert.equal(status.last_error?.code, 'ADELINE_ERR_MQTT_AUTH');
      assert.match(
        status.last_error!.message,
        /refused the login .*reason code 135.*MQTT_USERNAME\/MQTT_PASSWORD/,
      );
      assert.doesNotMatch(JSON.stringify(status), /wrong-password/, 'the password never appears');
      const view = plane.healthView();
      assert.equal(view.connection, 'auth_failed');
      assert.match(view.lastError ?? '', /refused the login/);
      await waitFor(() => plane.connection.status().reconnect_attempts >= 2, {
        what: 'further attempts with backoff',
      });
    } finally {
      await plane.stop();
    }
  });

  it('reports a missing client certificate as ADELINE_ERR_MQTT_AUTH', async () => {
    const cfg = mqttConfig(port, {
      ...creds('adeline', 's3cret-pw'),
      ...tls({ cert_file: null, key_file: null }),
    });
    const conn = new MqttConnection({ role: 'data', url: url(), mqtt: cfg, reconnect: false });
    try {
      await conn.start();
      await assert.rejects(conn.waitConnected(3000), {
        code: 'ADELINE_ERR_MQTT_AUTH',
        message: /client certificate/,
      });
    } finally {
      await conn.stop();
    }
  });

  it('reports an untrusted broker certificate as a TLS connect error naming mqtt.tls.ca_file', async () => {
    const cfg = mqttConfig(port, { ...creds('adeline', 's3cret-pw'), ...tls({ ca_file: null }) });
    const conn = new MqttConnection({ role: 'data', url: url(), mqtt: cfg, reconnect: false });
    try {
      await conn.start();
      await assert.rejects(conn.waitConnected(3000), {
        code: 'ADELINE_ERR_MQTT_CONNECT',
        message: /not trusted.*mqtt\.tls\.ca_file/,
      });
    } finally {
      await conn.stop();
    }
  });

  it('rejects a TLS file that cannot be read, naming the key', async () => {
    const cfg = mqttConfig(port, tls({ ca_file: '/nonexistent/ca.pem' }));
    const conn = new MqttConnection({ role: 'data', url: url(), mqtt: cfg });
    await assert.rejects(conn.start(), {
      code: 'ADELINE_ERR_CONFIG',
      message: /mqtt\.tls\.ca_file "\/nonexistent\/ca\.pem" cannot be read/,
    });
    await conn.stop();
  });
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { MqttConnection } from '../../src/planes/connection.js';
import type { ConnectionState } from '../../src/planes/connection-state.js';
import { ControlPlane } from '../../src/planes/control-plane.js';
import { EmbeddedBroker } from '../../src/planes/embedded-broker.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { freePort, startMosquitto, stopAll } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import {
  FakeController,
  installMetrics,
  mqttConfig,
  Observer,
  type MetricsProbe,
} from './mqtt-fixtures.js';

describe('MQTT connection state machine', function () {
  this.timeout(20_000);
  let probe: MetricsProbe;
  before(() => {
    configureLogger({ level: 'silent', pretty: 'never' });
    probe = installMetrics();
  });
  after(async () => {
    await probe.stop();
    await stopAll();
  });

  it('does not throw when the broker is down at start, reports why, and connects when it appears', async () => {
    const port = await freePort();
    const conn = new MqttConnection({
      role: 'data',
      url: `mqtt://127.0.0.1:${port}`,
      mqtt: mqttConfig(port),
    });
    const seen: ConnectionState['kind'][] = [];
    conn.states.on((s) => seen.push(s.kind));
    try {
      await conn.start();
      const s = conn.state();
      assert.equal(s.kind, 'offline');
      assert.equal(s.kind === 'offline' && s.lastError.code, 'ADELINE_ERR_MQTT_CONNECT');
      assert.match(
        conn.status().last_error!.message,
        /cannot be reached .*ECONNREFUSED.*start the broker/,
      );
      assert.equal(conn.status().connected, false);
      assert.equal(await probe.value('adeline_mqtt_connected', { plane: 'data' }), 0);
      // The backoff grows to the cap (mqttConfig: 100 ms doubling to 400 ms).
      await waitFor(
        () => {
          const st = conn.state();
          return st.kind === 'offline' && st.retryInMs === 400;
        },
        { what: 'the capped backoff' },
      );
      await startMosquitto([], port);
      await waitFor(() => conn.isConnected(), { what: 'the connection once the broker is up' });
      assert.ok(seen.includes('reconnecting'));
      assert.equal(conn.status().reconnect_attempts, 0, 'attempts reset on connect');
      assert.equal(await probe.value('adeline_mqtt_connected', { plane: 'data' }), 1);
      assert.ok(
        (await probe.value('adeline_errors_total', {
          error_type: 'mqtt_connect',
          component: 'mqtt_data',
        })) >= 1,
      );
    } finally {
      await conn.stop();
      await conn.stop();
    }
    assert.equal(conn.state().kind, 'closed');
  });

  it('reports a broker that never answers CONNACK as a connect error', async () => {
    const silent: Server = createServer(() => undefined); // accepts TCP, says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const conn = new MqttConnection({
      role: 'control',
      url: `mqtt://127.0.0.1:${port}`,
      mqtt: mqttConfig(port, { connect_timeout_ms: 300 }),
      reconnect: false,
    });
    try {
      await conn.start();
      await assert.rejects(conn.waitConnected(2000), {
        code: 'ADELINE_ERR_MQTT_CONNECT',
        message: /sent no CONNACK within mqtt.connect_timeout_ms/,
      });
    } finally {
      await conn.stop();
      silent.close();
    }
  });

  it('falls back to MQTT 3.1.1 when the broker refuses 5 (the embedded broker) and still serves commands', async () => {
    const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0 });
    await broker.start();
    const port = broker.port();
    const plane = new ControlPlane({
      mqtt: mqttConfig(port),
      url: broker.url(),
      controller: new FakeController(),
    });
    const obs = await Observer.open(port, ['inference/control/status'], { protocolVersion: 4 });
    try {
      await plane.start();
      await waitFor(() => plane.connection.isConnected(), { what: 'the 3.1.1 connection' });
      assert.equal(plane.connection.protocolVersion(), 4);
      await obs.publish('inference/control/commands', '{"command":"status","request_id":"v311"}');
      const reply = await obs.wait(
        'inference/control/status',
        (m) => (m.json as { request_id?: string }).request_id === 'v311',
      );
      assert.equal((reply.json as { status: string }).status, 'running');
      assert.equal(reply.userProperties, undefined, 'no user properties on 3.1.1');
    } finally {
      await plane.stop();
      await obs.close();
      await broker.stop();
      await broker.stop();
    }
  });

  it('refuses to start the embedded broker on a port in use, saying how to fix it', async () => {
    const first = new EmbeddedBroker({ host: '127.0.0.1', port: 0 });
    await first.start();
    const second = new EmbeddedBroker({ host: '127.0.0.1', port: first.port() });
    try {
      await assert.rejects(second.start(), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ADELINE_ERR_BROKER_PORT_IN_USE');
        assert.match(err.message, /in use.*mqtt\.embedded\.port.*mqtt\.broker\.url/);
        return true;
      });
      assert.throws(() => second.port(), /not listening/);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('stopping the embedded broker disconnects its clients and frees the port', async () => {
    const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0 });
    await broker.start();
    const port = broker.port();
    const conn = new MqttConnection({
      role: 'data',
      url: broker.url(),
      mqtt: mqttConfig(port),
      protocolVersion: 4,
    });
    await conn.start();
    assert.ok(conn.isConnected());
    await broker.stop();
    await waitFor(() => !conn.isConnected(), { what: 'the client to notice' });
    const again = new EmbeddedBroker({ host: '127.0.0.1', port });
    await again.start();
    assert.equal(again.port(), port);
    await waitFor(() => conn.isConnected(), { what: 'the reconnect to the new broker' });
    await conn.stop();
    await again.stop();
  });
});

import assert from 'node:assert/strict';
import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ConfigSchema } from '../../src/config/schema.js';
import { embeddedUrl, redactUrl, resolveBrokerUrl } from '../../src/planes/broker-url.js';
import { buildClientId, sanitiseHost } from '../../src/planes/client-id.js';
import { classifyConnectError, isProtocolRefusal } from '../../src/planes/connection-errors.js';
import { buildClientOptions, credentials } from '../../src/planes/connection-options.js';
import { LogBudget } from '../../src/planes/log-budget.js';
import { failureReason } from '../../src/planes/publish-reason.js';
import {
  contextFromTraceparent,
  extractContext,
  injectUserProperties,
  TRACEPARENT_PATTERN,
} from '../../src/planes/trace-carrier.js';
import { AdelineError } from '../../src/domain/errors.js';

const mqtt = (m: Record<string, unknown> = {}) => ConfigSchema.parse({ mqtt: m }).mqtt;
const coded = (message: string, code: string | number): Error =>
  Object.assign(new Error(message), { code });

describe('planes: connection helpers', () => {
  it('builds unique client ids <prefix>-<role>-<host>-<pid>-<random>', () => {
    assert.equal(
      buildClientId('adeline', 'control', { host: 'cam.lab', pid: 42, random: 'a1b2c3' }),
      'adeline-control-cam_lab-42-a1b2c3',
    );
    const a = buildClientId('adeline', 'data');
    const b = buildClientId('adeline', 'data');
    assert.notEqual(a, b, 'two instances in one process still differ');
    assert.match(a, new RegExp(`^adeline-data-[A-Za-z0-9_-]+-${process.pid}-[0-9a-f]{6}$`));
    assert.equal(sanitiseHost(''), 'host');
    assert.throws(() => buildClientId('bad prefix', 'data'), RangeError);
    assert.throws(() => buildClientId('adeline', 'Data!'), RangeError);
  });

  it('decides between an external broker and the embedded one', () => {
    assert.deepEqual(resolveBrokerUrl(mqtt()), { kind: 'embedded', host: '127.0.0.1', port: 1883 });
    assert.deepEqual(
      resolveBrokerUrl(mqtt({ broker: { host: 'broker', port: 8883 }, tls: { enabled: true } })),
      { kind: 'external', url: 'mqtts://broker:8883' },
    );
    assert.deepEqual(resolveBrokerUrl(mqtt({ broker: { host: '::1' } })), {
      kind: 'external',
      url: 'mqtt://[::1]:1883',
    });
    assert.deepEqual(resolveBrokerUrl(mqtt({ broker: { url: 'ws://b/mqtt', host: 'ignored' } })), {
      kind: 'external',
      url: 'ws://b/mqtt',
    });
    assert.throws(() => resolveBrokerUrl(mqtt({ broker: { url: 'not a url' } })), /is not a URL/);
    assert.throws(
      () => resolveBrokerUrl(mqtt({ broker: { url: 'http://user:pw@b' } })),
      (e: Error) => e instanceof RangeError && !e.message.includes('pw'),
    );
    assert.equal(embeddedUrl('0.0.0.0', 1884), 'mqtt://127.0.0.1:1884');
    assert.equal(redactUrl('mqtts://user:secret@broker:8883'), 'mqtts://broker:8883');
  });

  it('takes credentials from the environment first, then the config', () => {
    const cfg = mqtt({ broker: { username: 'cfg-user', password: 'cfg-pw' } });
    assert.deepEqual(credentials(cfg, {}), { username: 'cfg-user', password: 'cfg-pw' });
    assert.deepEqual(credentials(cfg, { MQTT_USERNAME: 'env-user', MQTT_PASSWORD: 'env-pw' }), {
      username: 'env-user',
      password: 'env-pw',
    });
    assert.deepEqual(credentials(mqtt(), {}), { username: undefined, password: undefined });
  });

  it('builds mqtt.js options: MQTT 5, no QoS 0 queueing, last will, reconnect from config', () => {
    const o = buildClientOptions({
      cfg: mqtt({ reconnect: { initial_delay_ms: 250 } }),
      url: 'mqtt://b:1883',
      clientId: 'id',
      protocolVersion: 5,
      will: { topic: 'a', payload: 'offline', qos: 1, retain: true },
      reconnect: true,
      env: {},
    });
    assert.equal(o.protocolVersion, 5);
    assert.equal(o.queueQoSZero, false);
    assert.equal(o.reconnectPeriod, 250);
    assert.equal(o.will?.retain, true);
    assert.equal(String(o.will?.payload), 'offline');
    assert.equal(
      buildClientOptions({
        cfg: mqtt(),
        url: 'mqtt://b',
        clientId: 'id',
        protocolVersion: 4,
        reconnect: false,
      }).reconnectPeriod,
      0,
    );
  });

  it('rejects half a client certificate pair', () => {
    const cfg = mqtt({ tls: { enabled: true, cert_file: '/etc/hostname', key_file: null } });
    assert.throws(
      () =>
        buildClientOptions({
          cfg,
          url: 'mqtts://b',
          clientId: 'id',
          protocolVersion: 5,
          reconnect: true,
        }),
      /cert_file and mqtt.tls.key_file must be set together/,
    );
  });

  it('classifies refused logins, refused protocols, unreachable brokers and TLS failures', () => {
    const auth5 = classifyConnectError(
      coded('Connection refused: Not authorized', 135),
      'mqtt://u:pw@b:1883',
      5,
    );
    assert.equal(auth5.code, 'ADELINE_ERR_MQTT_AUTH');
    assert.doesNotMatch(auth5.message, /pw@/);
    assert.equal(
      classifyConnectError(coded('Bad user name or password', 4), 'mqtt://b', 4).code,
      'ADELINE_ERR_MQTT_AUTH',
    );
    assert.equal(
      classifyConnectError(coded('Server unavailable', 136), 'mqtt://b', 5).code,
      'ADELINE_ERR_MQTT_CONNECT',
    );
    assert.match(
      classifyConnectError(coded('connect ECONNREFUSED', 'ECONNREFUSED'), 'mqtt://b', 5).message,
      /nothing listens there/,
    );
    assert.match(
      classifyConnectError(coded('getaddrinfo ENOTFOUND b', 'ENOTFOUND'), 'mqtt://b', 5).message,
      /does not resolve/,
    );
    assert.match(
      classifyConnectError(coded('self-signed', 'SELF_SIGNED_CERT_IN_CHAIN'), 'mqtts://b', 5)
        .message,
      /mqtt\.tls\.ca_file/,
    );
    assert.equal(
      classifyConnectError(
        coded('alert', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'),
        'mqtts://b',
        5,
      ).code,
      'ADELINE_ERR_MQTT_AUTH',
    );
    assert.equal(classifyConnectError('a string', 'mqtt://b', 5).code, 'ADELINE_ERR_MQTT_CONNECT');
    assert.ok(isProtocolRefusal(coded('Unacceptable protocol version', 1)));
    assert.ok(isProtocolRefusal(coded('Unsupported Protocol Version', 132)));
    assert.equal(isProtocolRefusal(coded('Not authorized', 135)), false);
  });

  it('turns publish failures into a bounded set of reason labels', () => {
    const rej = (rejection: string) =>
      new AdelineError('ADELINE_ERR_MQTT_PUBLISH', 'x', { details: { rejection } });
    assert.equal(failureReason(rej('breaker_open')), 'breaker_open');
    assert.equal(failureReason(rej('timeout')), 'timeout');
    assert.equal(
      failureReason(
        new AdelineError('ADELINE_ERR_MQTT_PUBLISH', 'x', { details: { reason: 'disconnected' } }),
      ),
      'disconnected',
    );
    assert.equal(
      failureReason(Object.assign(new Error('x'), { name: 'BulkheadRejectedError' })),
      'bulkhead_full',
    );
    assert.equal(failureReason(new AdelineError('ADELINE_ERR_SPOOL_IO', 'x')), 'spool_error');
    assert.equal(failureReason('weird'), 'error');
  });

  it('limits log lines per window and reports how many it suppressed', () => {
    let now = 0;
    const b = new LogBudget(2, 1000, () => now);
    assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [0, 0, null, null]);
    now = 1000;
    assert.equal(b.take(), 2);
    assert.equal(b.take(), 0);
  });

  describe('W3C trace context in MQTT 5 user properties', () => {
    let mine = false;
    before(() => void (mine = propagation.setGlobalPropagator(new W3CTraceContextPropagator())));
    after(() => void (mine && propagation.disable()));

    it('extracts a traceparent (any case, array values) and injects it back', () => {
      const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const ctx = extractContext({ TraceParent: [tp, 'ignored'], tracestate: 'a=b' });
      const sc = trace.getSpanContext(ctx);
      assert.equal(sc?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
      assert.equal(sc?.traceState?.get('a'), 'b');
      const props = injectUserProperties(ctx);
      assert.equal(props?.traceparent, tp);
      assert.match(tp, TRACEPARENT_PATTERN);
    });

    it('ignores a missing or malformed traceparent', () => {
      assert.equal(trace.getSpanContext(extractContext(undefined)), undefined);
      assert.equal(trace.getSpanContext(extractContext({ traceparent: 'garbage' })), undefined);
      assert.equal(
        contextFromTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01'),
        undefined,
      );
      assert.equal(contextFromTraceparent(undefined), undefined);
      assert.equal(injectUserProperties(ROOT_CONTEXT), undefined);
      assert.doesNotMatch(
        '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
        TRACEPARENT_PATTERN,
      );
    });
  });
});

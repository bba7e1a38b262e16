/**
 * One MQTT connection over mqtt.js, as a state machine (connection-state.ts). It never gives up
 * and never throws because the broker is away: start() settles after the first attempt, the
 * state reports the error, and mqtt.js retries on a capped exponential backoff. MQTT 5 first;
 * a broker that refuses 5 gets 3.1.1 on the next attempt.
 */
import { connect, type MqttClient } from 'mqtt';
import { AdelineError } from '../domain/errors.js';
import { setGauge, addMetric } from '../telemetry/metrics.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { redactUrl, type MqttConfig } from './broker-url.js';
import { buildClientId } from './client-id.js';
import { buildClientOptions, type WillMessage } from './connection-options.js';
import { classifyConnectError, isProtocolRefusal } from './connection-errors.js';
import { statusOf, type ConnectionState, type ConnectionStatus } from './connection-state.js';

export type UserProperties = Record<string, string | string[]>;
export type MessageListener = (topic: string, payload: Buffer, userProperties: UserProperties | undefined) => void;

export interface MqttConnectionOptions {
  /** control, data, cli…: the `plane` label and part of the client id. */
  role: string;
  url: string;
  mqtt: MqttConfig;
  will?: WillMessage;
  /** Overrides mqtt.protocol_version (the embedded broker speaks 3.1.1 only). */
  protocolVersion?: 4 | 5;
  /** Retry after a failure (default true; the CLI turns it off). */
  reconnect?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface PublishOptions {
  qos: 0 | 1 | 2;
  retain?: boolean;
  /** Sent as MQTT 5 user properties; dropped on 3.1.1. */
  userProperties?: UserProperties;
}

const log = getLogger('mqtt');

export class MqttConnection {
  readonly clientId: string;
  readonly role: string;
  private client: MqttClient | null = null;
  private st: ConnectionState = { kind: 'idle', since: Date.now() };
  private version: 4 | 5;
  private attempts = 0;
  private lastError: AdelineError | null = null;
  private lastLogged = '';
  private readonly connectFns = new Set<() => void>();
  private readonly messageFns = new Set<MessageListener>();
  private readonly stateFns = new Set<(s: ConnectionState) => void>();

  constructor(private readonly o: MqttConnectionOptions) {
    this.role = o.role;
    this.clientId = buildClientId(o.mqtt.client_id_prefix, o.role);
    this.version = o.protocolVersion ?? o.mqtt.protocol_version;
  }

  /** Starts connecting; resolves after the first attempt settles (or the connect timeout). Never rejects for an absent broker. */
  async start(): Promise<void> {
    if (this.st.kind !== 'idle') return;
    this.createClient();
    await this.waitFor((s) => s.kind !== 'connecting', this.o.mqtt.connect_timeout_ms + 500).catch(() => undefined);
  }

  state(): ConnectionState {
    return this.st;
  }

  isConnected(): boolean {
    return this.st.kind === 'connected';
  }

  /** 5 or 4 (3.1.1): the version in use, or the one the next attempt uses. */
  protocolVersion(): 4 | 5 {
    return this.version;
  }

  status(): ConnectionStatus {
    const v = { plane: this.role, clientId: this.clientId, broker: redactUrl(this.o.url), attempts: this.attempts, lastError: this.lastError };
    return statusOf(this.st, v);
  }

  /** Runs on every (re)connect. Returns an unsubscribe function. */
  onConnect(fn: () => void): () => void {
    this.connectFns.add(fn);
    return () => this.connectFns.delete(fn);
  }

  onMessage(fn: MessageListener): () => void {
    this.messageFns.add(fn);
    return () => this.messageFns.delete(fn);
  }

  onState(fn: (s: ConnectionState) => void): () => void {
    this.stateFns.add(fn);
    return () => this.stateFns.delete(fn);
  }

  /** Resolves once connected; rejects with the last error after timeoutMs, or at once when retries are off and the attempt failed. */
  async waitConnected(timeoutMs: number): Promise<void> {
    const s = await this.waitFor((x) => x.kind === 'connected' || x.kind === 'closed' || (x.kind === 'offline' && x.retryInMs === null), timeoutMs).catch(() => null);
    if (s?.kind === 'connected') return;
    throw this.lastError ?? new AdelineError('ADELINE_ERR_MQTT_CONNECT', `no connection to MQTT broker ${redactUrl(this.o.url)} within ${timeoutMs} ms`);
  }

  publish(topic: string, payload: string | Buffer, opts: PublishOptions): Promise<void> {
    const client = this.client;
    if (client === null || this.st.kind !== 'connected') {
      return Promise.reject(new AdelineError('ADELINE_ERR_MQTT_PUBLISH', `cannot publish to ${topic}: the ${this.role} connection is ${this.st.kind}`, { details: { reason: 'disconnected' } }));
    }
    const properties = opts.userProperties && this.version === 5 ? { userProperties: opts.userProperties } : undefined;
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false, properties }, (err) => {
        if (err) reject(new AdelineError('ADELINE_ERR_MQTT_PUBLISH', `publish to ${topic} failed: ${err.message}`, { cause: err, details: { reason: 'error' } }));
        else resolve();
      });
    });
  }

  subscribe(topic: string, qos: 0 | 1 | 2): Promise<void> {
    const client = this.client;
    if (client === null) return Promise.reject(new AdelineError('ADELINE_ERR_MQTT_CONNECT', `cannot subscribe to ${topic}: not started`));
    return new Promise((resolve, reject) => {
      client.subscribe(topic, { qos }, (err, granted) => {
        const refused = granted?.some((g) => g.qos > 2);
        if (err || refused) reject(new AdelineError('ADELINE_ERR_MQTT_CONNECT', `subscribe to ${topic} refused${err ? `: ${err.message}` : ' by the broker (ACL?)'}`, { cause: err }));
        else resolve();
      });
    });
  }

  /** Idempotent. Sends DISCONNECT after pending QoS>0 publishes (bounded by timeoutMs), then closes. */
  async stop(timeoutMs = 2000): Promise<void> {
    if (this.st.kind === 'closed') return;
    const client = this.client;
    this.client = null;
    this.setState({ kind: 'closed', since: Date.now() });
    if (client === null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => client.end(true, {}, () => resolve()), timeoutMs);
      client.end(false, {}, () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private createClient(): void {
    const opts = buildClientOptions({
      cfg: this.o.mqtt,
      url: this.o.url,
      clientId: this.clientId,
      protocolVersion: this.version,
      will: this.o.will,
      reconnect: this.o.reconnect ?? true,
      env: this.o.env,
    });
    const client = connect(this.o.url, opts);
    this.client = client;
    this.setState(this.attempts === 0 ? { kind: 'connecting', since: Date.now() } : { kind: 'reconnecting', since: Date.now(), attempt: this.attempts, lastError: this.lastError });
    let connectedThisTime = false;
    let errorThisTime = false;
    client.on('connect', () => {
      if (client !== this.client) return;
      connectedThisTime = true;
      errorThisTime = false;
      this.attempts = 0;
      client.options.reconnectPeriod = this.o.reconnect === false ? 0 : this.o.mqtt.reconnect.initial_delay_ms;
      this.setState({ kind: 'connected', since: Date.now(), protocolVersion: this.version });
      this.lastLogged = '';
      logEvent(log, 'mqtt_connected', `MQTT ${this.role} connected to ${redactUrl(this.o.url)}`, { plane: this.role, client_id: this.clientId, protocol_version: this.version });
      for (const fn of this.connectFns) safely(fn);
    });
    client.on('reconnect', () => {
      if (client !== this.client) return;
      this.attempts += 1;
      const r = this.o.mqtt.reconnect;
      client.options.reconnectPeriod = Math.min(r.max_delay_ms, r.initial_delay_ms * 2 ** Math.min(this.attempts, 30));
      connectedThisTime = false;
      errorThisTime = false;
      this.setState({ kind: 'reconnecting', since: Date.now(), attempt: this.attempts, lastError: this.lastError });
    });
    client.on('error', (err) => {
      if (client !== this.client) return;
      if (this.version === 5 && isProtocolRefusal(err)) return this.fallBack(client);
      errorThisTime = true;
      this.recordError(classifyConnectError(err, this.o.url, this.version));
    });
    client.on('close', () => {
      if (client !== this.client) return;
      if (connectedThisTime) {
        logEvent(log, 'mqtt_disconnected', `MQTT ${this.role} lost its connection to ${redactUrl(this.o.url)}`, { plane: this.role });
      } else if (!errorThisTime) {
        this.recordError(new AdelineError('ADELINE_ERR_MQTT_CONNECT', `MQTT broker ${redactUrl(this.o.url)} closed the connection before accepting it (no CONNACK within ${this.o.mqtt.connect_timeout_ms} ms?)`));
      }
      connectedThisTime = false;
      const lastError = this.lastError ?? new AdelineError('ADELINE_ERR_MQTT_CONNECT', `connection to ${redactUrl(this.o.url)} closed`);
      const retryInMs = this.o.reconnect === false ? null : client.options.reconnectPeriod ?? null;
      this.setState({ kind: 'offline', since: Date.now(), lastError, retryInMs });
    });
    client.on('message', (topic, payload, packet) => {
      if (client !== this.client) return;
      const props = packet.properties?.userProperties;
      for (const fn of this.messageFns) safely(() => fn(topic, payload, props));
    });
  }

  private fallBack(old: MqttClient): void {
    logEvent(log, 'mqtt_protocol_fallback', `MQTT broker ${redactUrl(this.o.url)} refused MQTT 5; using 3.1.1 (no user properties, so no traceparent on messages)`, { plane: this.role });
    this.version = 4;
    this.client = null;
    old.end(true);
    setImmediate(() => {
      if (this.st.kind !== 'closed') this.createClient();
    });
  }

  private recordError(err: AdelineError): void {
    this.lastError = err;
    addMetric('errors', 1, { error_type: err.errorType, component: `mqtt_${this.role}` });
    // Log a repeated failure once, then every 10th attempt, so a long outage does not flood the log.
    if (err.message !== this.lastLogged || this.attempts % 10 === 0) {
      this.lastLogged = err.message;
      logEvent(log, 'mqtt_connect_failed', err.message, { plane: this.role, code: err.code, attempt: this.attempts });
    }
  }

  private setState(s: ConnectionState): void {
    this.st = s;
    setGauge('mqttConnected', s.kind === 'connected' ? 1 : 0, { plane: this.role });
    for (const fn of this.stateFns) safely(() => fn(s));
  }

  private waitFor(pred: (s: ConnectionState) => boolean, timeoutMs: number): Promise<ConnectionState> {
    if (pred(this.st)) return Promise.resolve(this.st);
    return new Promise((resolve, reject) => {
      const off = this.onState((s) => {
        if (!pred(s)) return;
        clearTimeout(t);
        off();
        resolve(s);
      });
      const t = setTimeout(() => {
        off();
        reject(new Error('timeout'));
      }, timeoutMs);
    });
  }
}

/** Listener errors are logged, never thrown into mqtt.js. */
function safely(fn: () => unknown): void {
  try {
    const r = fn();
    if (r instanceof Promise) r.catch((err: unknown) => log.error({ err }, 'MQTT listener failed'));
  } catch (err) {
    log.error({ err }, 'MQTT listener failed');
  }
}

/**
 * One MQTT connection over mqtt.js, as a state machine (connection-state.ts). It never gives up
 * and never throws because the broker is away: start() settles after the first attempt, the
 * state reports the error, and mqtt.js retries on a capped exponential backoff. MQTT 5 first;
 * a broker that refuses 5 gets 3.1.1 on the next attempt.
 */
import { connect, type MqttClient } from 'mqtt';
import { AdelineError } from '../domain/errors.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { getLogger, type Logger, logEvent } from '../telemetry/logger.js';
import { redactUrl, type MqttConfig } from './broker-url.js';
import { buildClientId } from './client-id.js';
import {
  endClient,
  publishOn,
  subscribeOn,
  type PublishOptions,
  type UserProperties,
} from './client-calls.js';
import { wireClient } from './client-events.js';
import { buildClientOptions, type WillMessage } from './connection-options.js';
import { classifyConnectError, isProtocolRefusal } from './connection-errors.js';
import { statusOf, type ConnectionState, type ConnectionStatus } from './connection-state.js';
import { Signal } from './signal.js';

export type { PublishOptions, UserProperties } from './client-calls.js';
export type MessageListener = (
  topic: string,
  payload: Buffer,
  userProperties: UserProperties | undefined,
) => void;

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

/** Looked up per use, so a logger configured after import (configureLogger) is used. */
const log = (): Logger => getLogger('mqtt');

export class MqttConnection {
  readonly clientId: string;
  readonly role: string;
  /** Fires on every (re)connect. */
  readonly connected = new Signal<[]>();
  readonly messages = new Signal<Parameters<MessageListener>>();
  readonly states = new Signal<[ConnectionState]>();
  private client: MqttClient | null = null;
  private st: ConnectionState = { kind: 'idle', since: Date.now() };
  private version: 4 | 5;
  private attempts = 0;
  private lastError: AdelineError | null = null;
  private lastLogged = '';

  constructor(private readonly o: MqttConnectionOptions) {
    this.role = o.role;
    this.clientId = buildClientId(o.mqtt.client_id_prefix, o.role);
    this.version = o.protocolVersion ?? o.mqtt.protocol_version;
  }

  /** Starts connecting; resolves after the first attempt settles (or the connect timeout). Never rejects for an absent broker. */
  async start(): Promise<void> {
    if (this.st.kind !== 'idle') return;
    this.createClient();
    await this.waitFor((s) => s.kind !== 'connecting', this.o.mqtt.connect_timeout_ms + 500).catch(
      () => undefined,
    );
  }

  state(): ConnectionState {
    return this.st;
  }

  isConnected(): boolean {
    return this.st.kind === 'connected';
  }

  /** 5, or 4 (3.1.1): the version in use, or the one the next attempt uses. */
  protocolVersion(): 4 | 5 {
    return this.version;
  }

  status(): ConnectionStatus {
    const v = {
      plane: this.role,
      clientId: this.clientId,
      broker: redactUrl(this.o.url),
      attempts: this.attempts,
      lastError: this.lastError,
    };
    return statusOf(this.st, v);
  }

  /** Runs on every (re)connect. Returns an unsubscribe function. */
  onConnect(fn: () => unknown): () => void {
    return this.connected.on(fn);
  }

  onMessage(fn: MessageListener): () => void {
    return this.messages.on(fn);
  }

  /** Resolves once connected; rejects with the last error after timeoutMs, or at once when retries are off and the attempt failed. */
  async waitConnected(timeoutMs: number): Promise<void> {
    const done = (x: ConnectionState): boolean =>
      x.kind === 'connected' ||
      x.kind === 'closed' ||
      (x.kind === 'offline' && x.retryInMs === null);
    const s = await this.waitFor(done, timeoutMs).catch(() => null);
    if (s?.kind === 'connected') return;
    throw (
      this.lastError ??
      new AdelineError(
        'ADELINE_ERR_MQTT_CONNECT',
        `no connection to MQTT broker ${redactUrl(this.o.url)} within ${timeoutMs} ms`,
      )
    );
  }

  /** Rejects at once (ADELINE_ERR_MQTT_PUBLISH, reason disconnected) unless connected. */
  publish(topic: string, payload: string | Buffer, opts: PublishOptions): Promise<void> {
    if (this.client === null || this.st.kind !== 'connected') {
      const msg = `cannot publish to ${topic}: the ${this.role} connection is ${this.st.kind}`;
      return Promise.reject(
        new AdelineError('ADELINE_ERR_MQTT_PUBLISH', msg, { details: { reason: 'disconnected' } }),
      );
    }
    return publishOn(this.client, this.version, topic, payload, opts);
  }

  subscribe(topic: string, qos: 0 | 1 | 2): Promise<void> {
    if (this.client === null)
      return Promise.reject(
        new AdelineError('ADELINE_ERR_MQTT_CONNECT', `cannot subscribe to ${topic}: not started`),
      );
    return subscribeOn(this.client, topic, qos);
  }

  /** Idempotent. Sends DISCONNECT after pending QoS>0 publishes (bounded by timeoutMs), then closes. */
  async stop(timeoutMs = 2000): Promise<void> {
    if (this.st.kind === 'closed') return;
    const client = this.client;
    this.client = null;
    this.setState({ kind: 'closed', since: Date.now() });
    if (client !== null) await endClient(client, timeoutMs);
  }

  private createClient(): void {
    const reconnect = this.o.reconnect ?? true;
    const opts = buildClientOptions({
      cfg: this.o.mqtt,
      url: this.o.url,
      clientId: this.clientId,
      protocolVersion: this.version,
      will: this.o.will,
      reconnect,
      env: this.o.env,
    });
    const client = connect(this.o.url, opts);
    this.client = client;
    const now = Date.now();
    this.setState(
      this.attempts === 0
        ? { kind: 'connecting', since: now }
        : { kind: 'reconnecting', since: now, attempt: this.attempts, lastError: this.lastError },
    );
    const r = this.o.mqtt.reconnect;
    wireClient(client, {
      isCurrent: () => client === this.client,
      connected: () => {
        this.attempts = 0;
        client.options.reconnectPeriod = reconnect ? r.initial_delay_ms : 0;
        this.lastLogged = '';
        this.setState({ kind: 'connected', since: Date.now(), protocolVersion: this.version });
        logEvent(
          log(),
          'mqtt_connected',
          `MQTT ${this.role} connected to ${redactUrl(this.o.url)}`,
          {
            plane: this.role,
            client_id: this.clientId,
            protocol_version: this.version,
          },
        );
        this.connected.emit();
      },
      attempt: () => {
        this.attempts += 1;
        // The next wait after this attempt: capped exponential backoff.
        client.options.reconnectPeriod = Math.min(
          r.max_delay_ms,
          r.initial_delay_ms * 2 ** Math.min(this.attempts, 30),
        );
        this.setState({
          kind: 'reconnecting',
          since: Date.now(),
          attempt: this.attempts,
          lastError: this.lastError,
        });
      },
      error: (err) => {
        if (this.version === 5 && isProtocolRefusal(err)) this.fallBack(client);
        else this.recordError(classifyConnectError(err, this.o.url, this.version));
      },
      closed: (wasConnected, hadError) => {
        const where = redactUrl(this.o.url);
        if (wasConnected)
          logEvent(
            log(),
            'mqtt_disconnected',
            `MQTT ${this.role} lost its connection to ${where}`,
            {
              plane: this.role,
            },
          );
        else if (!hadError)
          this.recordError(
            new AdelineError(
              'ADELINE_ERR_MQTT_CONNECT',
              `MQTT broker ${where} closed the connection before accepting it (no CONNACK within ${this.o.mqtt.connect_timeout_ms} ms?)`,
            ),
          );
        const lastError =
          this.lastError ??
          new AdelineError('ADELINE_ERR_MQTT_CONNECT', `connection to ${where} closed`);
        this.setState({
          kind: 'offline',
          since: Date.now(),
          lastError,
          retryInMs: reconnect ? (client.options.reconnectPeriod ?? null) : null,
        });
      },
      message: (topic, payload, props) => this.messages.emit(topic, payload, props),
    });
  }

  private fallBack(old: MqttClient): void {
    logEvent(
      log(),
      'mqtt_protocol_fallback',
      `MQTT broker ${redactUrl(this.o.url)} refused MQTT 5; using 3.1.1 (no user properties, so no traceparent on messages)`,
      { plane: this.role },
    );
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
    // A repeated failure is logged once, then every 10th attempt, so an outage does not flood the log.
    if (err.message !== this.lastLogged || this.attempts % 10 === 0) {
      this.lastLogged = err.message;
      logEvent(log(), 'mqtt_connect_failed', err.message, {
        plane: this.role,
        code: err.code,
        attempt: this.attempts,
      });
    }
  }

  private setState(s: ConnectionState): void {
    this.st = s;
    setGauge('mqttConnected', s.kind === 'connected' ? 1 : 0, { plane: this.role });
    this.states.emit(s);
  }

  private waitFor(
    pred: (s: ConnectionState) => boolean,
    timeoutMs: number,
  ): Promise<ConnectionState> {
    if (pred(this.st)) return Promise.resolve(this.st);
    return new Promise((resolve, reject) => {
      const off = this.states.on((s) => {
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

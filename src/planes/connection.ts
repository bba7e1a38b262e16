/**
 * One MQTT connection over mqtt.js. It never gives up and never throws because the broker is
 * away: start() settles after the first attempt, the state (connection-machine.ts) reports the
 * error, and mqtt.js retries on a capped exponential backoff. MQTT 5 first; a broker that
 * refuses 5 gets 3.1.1 on the next attempt.
 */
import { connect, type MqttClient } from 'mqtt';
import { AdelineError } from '../domain/errors.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { redactUrl, type MqttConfig } from './broker-url.js';
import { buildClientId } from './client-id.js';
import {
  checkpointOn,
  endClient,
  forgetUnacked,
  publishOn,
  subscribeOn,
  type PublishOptions,
  type UserProperties,
} from './client-calls.js';
import { wireClient } from './client-events.js';
import { ConnectionMachine } from './connection-machine.js';
import { buildClientOptions, type WillMessage } from './connection-options.js';
import { classifyConnectError, isProtocolRefusal } from './connection-errors.js';
import type { ConnectionState, ConnectionStatus } from './connection-state.js';
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

export class MqttConnection {
  readonly clientId: string;
  readonly role: string;
  /** Fires on every (re)connect. */
  readonly connected = new Signal<[]>();
  /**
   * Fires, synchronously in mqtt.js's close event, when an established connection is lost, after
   * isConnected() turned false and before any later publish can run: the data plane re-spools
   * what the broker did not confirm here, ahead of newer messages.
   */
  readonly lost = new Signal<[]>();
  readonly messages = new Signal<Parameters<MessageListener>>();
  private readonly machine: ConnectionMachine;
  private readonly reconnect: boolean;
  private client: MqttClient | null = null;
  private version: 4 | 5;

  constructor(private readonly o: MqttConnectionOptions) {
    this.role = o.role;
    this.clientId = buildClientId(o.mqtt.client_id_prefix, o.role);
    this.version = o.protocolVersion ?? o.mqtt.protocol_version;
    this.reconnect = o.reconnect ?? true;
    const reconnect = this.reconnect ? o.mqtt.reconnect : null;
    this.machine = new ConnectionMachine({
      plane: o.role,
      clientId: this.clientId,
      broker: redactUrl(o.url),
      reconnect,
    });
  }

  /** Fires on every state change. */
  get states(): Signal<[ConnectionState]> {
    return this.machine.states;
  }

  /** Starts connecting; resolves after the first attempt settles (or the connect timeout). Never rejects for an absent broker. */
  async start(): Promise<void> {
    if (this.machine.state.kind !== 'idle') return;
    this.createClient();
    const settled = (s: ConnectionState): boolean => s.kind !== 'connecting';
    await this.machine
      .waitFor(settled, this.o.mqtt.connect_timeout_ms + 500)
      .catch(() => undefined);
  }

  state(): ConnectionState {
    return this.machine.state;
  }

  isConnected(): boolean {
    return this.machine.state.kind === 'connected';
  }

  /** 5, or 4 (3.1.1): the version in use, or the one the next attempt uses. */
  protocolVersion(): 4 | 5 {
    return this.version;
  }

  status(): ConnectionStatus {
    return this.machine.status();
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
    const s = await this.machine.waitFor(done, timeoutMs).catch(() => null);
    if (s?.kind === 'connected') return;
    const last = this.machine.state.kind === 'offline' ? this.machine.state.lastError : null;
    throw (
      last ??
      new AdelineError(
        'ADELINE_ERR_MQTT_CONNECT',
        `no connection to MQTT broker ${redactUrl(this.o.url)} within ${timeoutMs} ms`,
      )
    );
  }

  /** Rejects at once (ADELINE_ERR_MQTT_PUBLISH, reason disconnected) unless connected. */
  publish(topic: string, payload: string | Buffer, opts: PublishOptions): Promise<void> {
    if (this.client === null || !this.isConnected()) {
      const msg = `cannot publish to ${topic}: the ${this.role} connection is ${this.machine.state.kind}`;
      return Promise.reject(
        new AdelineError('ADELINE_ERR_MQTT_PUBLISH', msg, { details: { reason: 'disconnected' } }),
      );
    }
    return publishOn(this.client, this.version, topic, payload, opts);
  }

  /** A broker round trip in order with the publishes before it (client-calls.ts checkpointOn). */
  checkpoint(topic: string): Promise<void> {
    if (this.client === null || !this.isConnected()) {
      return Promise.reject(
        new AdelineError('ADELINE_ERR_MQTT_PUBLISH', `cannot checkpoint: not connected`, {
          details: { reason: 'disconnected' },
        }),
      );
    }
    return checkpointOn(this.client, topic);
  }

  /** After a loss: drops the unacknowledged QoS 1/2 publishes mqtt.js would resend on reconnect (their callers see an error). */
  forgetUnacked(): number {
    return this.client === null ? 0 : forgetUnacked(this.client);
  }

  subscribe(topic: string, qos: 0 | 1 | 2): Promise<void> {
    if (this.client === null) {
      return Promise.reject(
        new AdelineError('ADELINE_ERR_MQTT_CONNECT', `cannot subscribe to ${topic}: not started`),
      );
    }
    return subscribeOn(this.client, topic, qos);
  }

  /** Idempotent. Sends DISCONNECT after pending QoS>0 publishes (bounded by timeoutMs), then closes. */
  async stop(timeoutMs = 2000): Promise<void> {
    const client = this.client;
    this.client = null;
    if (this.machine.close() && client !== null) await endClient(client, timeoutMs);
  }

  private createClient(): void {
    const { mqtt, url } = this.o;
    const opts = buildClientOptions({
      cfg: mqtt,
      url,
      clientId: this.clientId,
      protocolVersion: this.version,
      will: this.o.will,
      reconnect: this.reconnect,
      env: this.o.env,
    });
    const client = connect(url, opts);
    this.client = client;
    this.machine.connecting();
    wireClient(client, {
      isCurrent: () => client === this.client,
      connected: () => {
        client.options.reconnectPeriod = this.reconnect ? mqtt.reconnect.initial_delay_ms : 0;
        this.machine.connected(this.version);
        this.connected.emit();
      },
      attempt: () => {
        client.options.reconnectPeriod = this.machine.attempt(); // the wait after this attempt
      },
      error: (err) => {
        if (this.version === 5 && isProtocolRefusal(err)) this.fallBack(client);
        else this.machine.failed(classifyConnectError(err, url, this.version));
      },
      closed: (wasConnected, hadError) => {
        const retryInMs = this.reconnect ? (client.options.reconnectPeriod ?? null) : null;
        this.machine.closed(wasConnected, hadError, retryInMs);
        if (wasConnected) this.lost.emit();
      },
      message: (topic, payload, props) => this.messages.emit(topic, payload, props),
    });
  }

  private fallBack(old: MqttClient): void {
    const msg = `MQTT broker ${redactUrl(this.o.url)} refused MQTT 5; using 3.1.1 (no user properties, so no traceparent on messages)`;
    logEvent(getLogger('mqtt'), 'mqtt_protocol_fallback', msg, { plane: this.role });
    this.version = 4;
    this.client = null;
    old.end(true);
    setImmediate(() => {
      if (this.machine.state.kind !== 'closed') this.createClient();
    });
  }
}

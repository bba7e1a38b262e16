/**
 * The bookkeeping of one connection's state (connection-state.ts), apart from mqtt.js: which
 * state it is in since when, the attempt count and backoff, the last error, the
 * adeline_mqtt_connected gauge, the log lines, and waiting for a state.
 */
import { AdelineError } from '../domain/errors.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { statusOf, type ConnectionState, type ConnectionStatus } from './connection-state.js';
import { Signal } from './signal.js';

const log = (): Logger => getLogger('mqtt');

export interface MachineOptions {
  plane: string;
  clientId: string;
  /** The broker URL without credentials. */
  broker: string;
  reconnect: { initial_delay_ms: number; max_delay_ms: number } | null;
}

export class ConnectionMachine {
  readonly states = new Signal<[ConnectionState]>();
  private st: ConnectionState = { kind: 'idle', since: Date.now() };
  private attempts = 0;
  private lastError: AdelineError | null = null;
  private lastLogged = '';

  constructor(private readonly o: MachineOptions) {}

  get state(): ConnectionState {
    return this.st;
  }

  status(): ConnectionStatus {
    const { plane, clientId, broker } = this.o;
    return statusOf(this.st, {
      plane,
      clientId,
      broker,
      attempts: this.attempts,
      lastError: this.lastError,
    });
  }

  /** A new client starts its first attempt. */
  connecting(): void {
    const now = Date.now();
    if (this.attempts === 0) this.set({ kind: 'connecting', since: now });
    else
      this.set({
        kind: 'reconnecting',
        since: now,
        attempt: this.attempts,
        lastError: this.lastError,
      });
  }

  /** Another attempt starts; returns the wait before the next one (capped exponential backoff). */
  attempt(): number {
    this.attempts += 1;
    this.set({
      kind: 'reconnecting',
      since: Date.now(),
      attempt: this.attempts,
      lastError: this.lastError,
    });
    const r = this.o.reconnect;
    return r === null
      ? 0
      : Math.min(r.max_delay_ms, r.initial_delay_ms * 2 ** Math.min(this.attempts, 30));
  }

  connected(protocolVersion: 4 | 5): void {
    this.attempts = 0;
    this.lastLogged = '';
    this.set({ kind: 'connected', since: Date.now(), protocolVersion });
    logEvent(log(), 'mqtt_connected', `MQTT ${this.o.plane} connected to ${this.o.broker}`, {
      plane: this.o.plane,
      client_id: this.o.clientId,
      protocol_version: protocolVersion,
    });
  }

  failed(err: AdelineError): void {
    this.lastError = err;
    addMetric('errors', 1, { error_type: err.errorType, component: `mqtt_${this.o.plane}` });
    // A repeated failure is logged once, then every 10th attempt, so an outage does not flood the log.
    if (err.message !== this.lastLogged || this.attempts % 10 === 0) {
      this.lastLogged = err.message;
      logEvent(log(), 'mqtt_connect_failed', err.message, {
        plane: this.o.plane,
        code: err.code,
        attempt: this.attempts,
      });
    }
  }

  /** The socket closed. retryInMs: when mqtt.js tries again (null: it will not). */
  closed(wasConnected: boolean, hadError: boolean, retryInMs: number | null): void {
    if (wasConnected) {
      logEvent(
        log(),
        'mqtt_disconnected',
        `MQTT ${this.o.plane} lost its connection to ${this.o.broker}`,
        { plane: this.o.plane },
      );
    } else if (!hadError) {
      this.failed(
        new AdelineError(
          'ADELINE_ERR_MQTT_CONNECT',
          `MQTT broker ${this.o.broker} closed the connection before accepting it`,
        ),
      );
    }
    const lastError =
      this.lastError ??
      new AdelineError('ADELINE_ERR_MQTT_CONNECT', `connection to ${this.o.broker} closed`);
    this.set({ kind: 'offline', since: Date.now(), lastError, retryInMs });
  }

  /** Returns false when it was closed already. */
  close(): boolean {
    if (this.st.kind === 'closed') return false;
    this.set({ kind: 'closed', since: Date.now() });
    return true;
  }

  /** Resolves with the first state (the current one included) that satisfies pred; rejects after timeoutMs. */
  waitFor(pred: (s: ConnectionState) => boolean, timeoutMs: number): Promise<ConnectionState> {
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
        reject(new Error(`no such state within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  private set(s: ConnectionState): void {
    this.st = s;
    setGauge('mqttConnected', s.kind === 'connected' ? 1 : 0, { plane: this.o.plane });
    this.states.emit(s);
  }
}

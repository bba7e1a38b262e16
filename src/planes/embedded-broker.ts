/**
 * The embedded MQTT broker (aedes) for the local default: no broker url or host configured.
 * It speaks MQTT 3.1.1 only, so clients of it connect with protocol 4 (no user properties).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { AdelineError } from '../domain/errors.js';
import type { Component } from '../domain/lifecycle.js';
import { getLogger, type Logger, logEvent } from '../telemetry/logger.js';
import { embeddedUrl } from './broker-url.js';

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port; port() tells which. */
  port: number;
}

type State =
  | { kind: 'idle' }
  | { kind: 'listening'; broker: Aedes; server: Server; port: number }
  | { kind: 'stopped' };

/** Looked up per use, so a logger configured after import (configureLogger) is used. */
const log = (): Logger => getLogger('embedded-broker');

export class EmbeddedBroker implements Component {
  readonly name = 'embedded-broker';
  /** The protocol version clients must use with this broker. */
  static readonly protocolVersion = 4 as const;
  private st: State = { kind: 'idle' };
  private readonly sockets = new Set<Socket>();

  constructor(private readonly o: EmbeddedBrokerOptions) {}

  async start(): Promise<void> {
    if (this.st.kind !== 'idle') return;
    const broker = await Aedes.createBroker({ heartbeatInterval: 60_000, drainTimeout: 10_000 });
    const server = createServer((sock) => {
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
      broker.handle(sock);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.o.port, this.o.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await new Promise<void>((r) => broker.close(() => r()));
      throw listenError(err, this.o);
    }
    const port = (server.address() as AddressInfo).port;
    this.st = { kind: 'listening', broker, server, port };
    logEvent(
      log(),
      'embedded_broker_started',
      `embedded MQTT broker listening on ${this.o.host}:${port}`,
      { host: this.o.host, port },
    );
  }

  /** The bound port (useful with port 0). Throws before start(). */
  port(): number {
    if (this.st.kind !== 'listening')
      throw new AdelineError(
        'ADELINE_ERR_LIFECYCLE',
        'the embedded broker is not listening; call start() first',
      );
    return this.st.port;
  }

  /** The URL clients connect to. */
  url(): string {
    return embeddedUrl(this.o.host, this.port());
  }

  /** Idempotent: disconnects every client and closes the listener. */
  async stop(): Promise<void> {
    const st = this.st;
    this.st = { kind: 'stopped' };
    if (st.kind !== 'listening') return;
    await new Promise<void>((r) => st.broker.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => st.server.close(() => r()));
  }
}

function listenError(err: unknown, o: EmbeddedBrokerOptions): AdelineError {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return new AdelineError(
      'ADELINE_ERR_BROKER_PORT_IN_USE',
      `the embedded MQTT broker cannot listen on ${o.host}:${o.port}: the port is in use (another broker?). Set mqtt.embedded.port to a free port (0 picks one), or point mqtt.broker.url at the broker already running there`,
      { cause: err, details: { host: o.host, port: o.port } },
    );
  }
  return new AdelineError(
    'ADELINE_ERR_BROKER_PORT_IN_USE',
    `the embedded MQTT broker cannot listen on ${o.host}:${o.port} (${code ?? String(err)}); check mqtt.embedded.host/port`,
    { cause: err, details: { host: o.host, port: o.port } },
  );
}

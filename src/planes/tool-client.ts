/**
 * A small MQTT client for the command-line tools (adeline control / monitor), so that only
 * planes/ touches mqtt.js. It connects like the service (credentials, TLS, MQTT 5 with 3.1.1
 * fallback), fails fast when the broker is not there, and re-subscribes after a reconnect.
 */
import { MqttConnection, type MessageListener, type PublishOptions } from './connection.js';
import type { MqttConfig } from './broker-url.js';

export interface ToolClientOptions {
  url: string;
  mqtt: MqttConfig;
  /** Client id role: cli, monitor… */
  role: string;
  /** How long to wait for the first connection, ms. */
  timeoutMs: number;
  /** Keep reconnecting after the first connection (monitor) or not (control). */
  reconnect: boolean;
  env?: NodeJS.ProcessEnv;
}

export class ToolClient {
  private readonly topics = new Map<string, 0 | 1 | 2>();

  private constructor(private readonly conn: MqttConnection) {
    conn.onConnect(() => Promise.all([...this.topics].map(([t, q]) => conn.subscribe(t, q))));
  }

  /** Connects, or rejects with ADELINE_ERR_MQTT_CONNECT / ADELINE_ERR_MQTT_AUTH within timeoutMs. */
  static async open(o: ToolClientOptions): Promise<ToolClient> {
    const conn = new MqttConnection({
      role: o.role,
      url: o.url,
      mqtt: o.mqtt,
      reconnect: o.reconnect,
      env: o.env,
    });
    const client = new ToolClient(conn);
    try {
      void conn.start();
      await conn.waitConnected(o.timeoutMs);
      return client;
    } catch (err) {
      await conn.stop(200);
      throw err;
    }
  }

  get clientId(): string {
    return this.conn.clientId;
  }

  protocolVersion(): 4 | 5 {
    return this.conn.protocolVersion();
  }

  async subscribe(topics: string[], qos: 0 | 1 | 2 = 1): Promise<void> {
    for (const t of topics) this.topics.set(t, qos);
    await Promise.all(topics.map((t) => this.conn.subscribe(t, qos)));
  }

  onMessage(fn: MessageListener): () => void {
    return this.conn.onMessage(fn);
  }

  publish(topic: string, payload: string, opts: PublishOptions): Promise<void> {
    return this.conn.publish(topic, payload, opts);
  }

  close(): Promise<void> {
    return this.conn.stop(1000);
  }
}

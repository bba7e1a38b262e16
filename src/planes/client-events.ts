/**
 * Wires one mqtt.js client's events to the connection state machine, per attempt: whether this
 * attempt connected or failed with an error, so a silent close still gets a reason. Events of a
 * client that has been replaced (protocol fallback) or stopped are ignored.
 */
import type { MqttClient } from 'mqtt';
import type { UserProperties } from './client-calls.js';

export interface ClientHandlers {
  /** Whether events of this client still count. */
  isCurrent(): boolean;
  connected(): void;
  /** mqtt.js starts another attempt. */
  attempt(): void;
  error(err: Error): void;
  /** The socket closed; wasConnected tells a lost connection from a failed attempt. */
  closed(wasConnected: boolean, hadError: boolean): void;
  message(topic: string, payload: Buffer, userProperties: UserProperties | undefined): void;
}

export function wireClient(client: MqttClient, h: ClientHandlers): void {
  let connected = false;
  let hadError = false;
  client.on('connect', () => {
    if (!h.isCurrent()) return;
    connected = true;
    hadError = false;
    h.connected();
  });
  client.on('reconnect', () => {
    if (!h.isCurrent()) return;
    connected = false;
    hadError = false;
    h.attempt();
  });
  client.on('error', (err) => {
    if (!h.isCurrent()) return;
    hadError = true;
    h.error(err);
  });
  client.on('close', () => {
    if (!h.isCurrent()) return;
    const was = connected;
    connected = false;
    h.closed(was, hadError);
  });
  client.on('message', (topic, payload, packet) => {
    if (h.isCurrent()) h.message(topic, payload, packet.properties?.userProperties);
  });
}

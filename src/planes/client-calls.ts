/** Promise wrappers around mqtt.js calls, with AdelineErrors that name the topic. */
import type { MqttClient } from 'mqtt';
import { AdelineError } from '../domain/errors.js';

export type UserProperties = Record<string, string | string[]>;

export interface PublishOptions {
  qos: 0 | 1 | 2;
  retain?: boolean;
  /** Sent as MQTT 5 user properties; dropped on 3.1.1. */
  userProperties?: UserProperties;
}

/** Resolves when the message is written (QoS 0) or acknowledged (QoS 1/2). */
export function publishOn(
  client: MqttClient,
  version: 4 | 5,
  topic: string,
  payload: string | Buffer,
  opts: PublishOptions,
): Promise<void> {
  const properties =
    opts.userProperties && version === 5 ? { userProperties: opts.userProperties } : undefined;
  return new Promise((resolve, reject) => {
    client.publish(
      topic,
      payload,
      { qos: opts.qos, retain: opts.retain ?? false, properties },
      (err) => {
        if (!err) return resolve();
        reject(
          new AdelineError(
            'ADELINE_ERR_MQTT_PUBLISH',
            `publish to ${topic} failed: ${err.message}`,
            { cause: err, details: { reason: 'error' } },
          ),
        );
      },
    );
  });
}

export function subscribeOn(client: MqttClient, topic: string, qos: 0 | 1 | 2): Promise<void> {
  return new Promise((resolve, reject) => {
    client.subscribe(topic, { qos }, (err, granted) => {
      const refused = granted?.some((g) => g.qos > 2) ?? false;
      if (!err && !refused) return resolve();
      const why = err ? `: ${err.message}` : ' by the broker (check its ACL)';
      reject(
        new AdelineError('ADELINE_ERR_MQTT_CONNECT', `subscription to ${topic} refused${why}`, {
          cause: err,
        }),
      );
    });
  });
}

/**
 * A confirmation point: an UNSUBSCRIBE of a topic nobody uses. The broker handles the packets of
 * one connection in order, so its UNSUBACK means it has read every PUBLISH written before it.
 * Resolves on the UNSUBACK (whatever its reason code); rejects when the connection closed first.
 */
export function checkpointOn(client: MqttClient, topic: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.unsubscribe(topic, (err, packet) => {
      if (packet?.cmd === 'unsuback' || !err) return resolve();
      reject(err);
    });
  });
}

/** Makes mqtt.js forget the QoS 1/2 publishes it has not had acknowledged (so it does not resend them on reconnect); returns how many. */
export function forgetUnacked(client: MqttClient): number {
  let n = 0;
  for (const id of Object.keys(client.outgoing)) {
    if (client.outgoing[Number(id)]?.cmd !== 'publish') continue;
    client.removeOutgoingMessage(Number(id));
    n++;
  }
  return n;
}

/** Sends DISCONNECT once pending QoS>0 publishes are acknowledged; forces the close after timeoutMs. */
export function endClient(client: MqttClient, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => client.end(true, {}, () => resolve()), timeoutMs);
    client.end(false, {}, () => {
      clearTimeout(t);
      resolve();
    });
  });
}

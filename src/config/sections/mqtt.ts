/** Config sections: MqttSchema. Units and defaults are in each description. */
import { z } from 'zod';
import { posInt, nullableString } from './helpers.js';

export const MqttSchema = z.object({
  broker: z
    .object({
      url: nullableString(
        'Broker URL (mqtt://, mqtts://, ws://). Takes precedence over host/port.',
      ),
      host: nullableString(
        'Broker host. Null (default) with no url: start the embedded broker and connect to it. Python default was localhost.',
      ),
      port: posInt(1883, 1, 65535, 'Broker port, when host is set.'),
      username: nullableString('Username. Env MQTT_USERNAME overrides it.'),
      password: nullableString('Password (masked in output). Env MQTT_PASSWORD overrides it.'),
    })
    .prefault({}),
  embedded: z
    .object({
      host: z.string().default('127.0.0.1').describe('Listen address of the embedded broker.'),
      port: posInt(1883, 0, 65535, 'Listen port of the embedded broker. 0 picks a free port.'),
    })
    .prefault({}),
  client_id_prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1–40 letters, digits, _ or -')
    .default('adeline')
    .describe('Client ids are <prefix>-<role>-<host>-<pid>-<random>, unique per instance.'),
  protocol_version: z
    .union([z.literal(5), z.literal(4)])
    .default(5)
    .describe('MQTT 5, falling back to 3.1.1 if the broker refuses 5. Set 4 to use 3.1.1 only.'),
  keepalive_s: posInt(60, 0, 65535, 'Keepalive interval, seconds.'),
  connect_timeout_ms: posInt(10000, 100, 600000, 'Connect timeout, milliseconds.'),
  reconnect: z
    .object({
      initial_delay_ms: posInt(500, 10, 600000, 'First reconnect delay, milliseconds.'),
      max_delay_ms: posInt(
        2000,
        10,
        3600000,
        'Reconnect delay cap, milliseconds (exponential backoff). Small, so publishing resumes within seconds of the broker coming back.',
      ),
    })
    .prefault({}),
  tls: z
    .object({
      enabled: z.boolean().default(false).describe('Use TLS (implied by an mqtts:// url).'),
      ca_file: nullableString('CA certificate (PEM) to verify the broker.'),
      cert_file: nullableString('Client certificate (PEM) for mutual TLS.'),
      key_file: nullableString('Client private key (PEM) for mutual TLS.'),
      reject_unauthorized: z.boolean().default(true).describe('Verify the broker certificate.'),
    })
    .prefault({}),
  topics: z
    .object({
      control_commands: z
        .string()
        .min(1)
        .default('inference/control/commands')
        .describe('Commands in (QoS 1).'),
      control_status: z
        .string()
        .min(1)
        .default('inference/control/status')
        .describe('Status out (QoS 1, retained).'),
      data: z
        .string()
        .min(1)
        .default('inference/data/detections')
        .describe('Detections out, one per frame (QoS qos.data).'),
      metrics: z
        .string()
        .min(1)
        .default('inference/data/metrics')
        .describe('Metrics out, on the metrics command (QoS 0).'),
      availability: z
        .string()
        .min(1)
        .default('inference/control/availability')
        .describe('online/offline (retained; offline is the last will).'),
    })
    .prefault({}),
  qos: z
    .object({
      control: z
        .union([z.literal(0), z.literal(1), z.literal(2)])
        .default(1)
        .describe('QoS of status replies.'),
      data: z
        .union([z.literal(0), z.literal(1), z.literal(2)])
        .default(0)
        .describe(
          'QoS of detection messages (0 as in the Python service). Delivery is at-least-once at every QoS (docs/mqtt.md).',
        ),
      data_checkpoint_ms: posInt(
        50,
        5,
        60000,
        'At qos.data 0: how often the data connection asks the broker to confirm what it has read (an UNSUBSCRIBE round trip), milliseconds. Messages written since the last confirmation are spooled again if the connection drops (possible duplicates, counted).',
      ),
    })
    .prefault({}),
});

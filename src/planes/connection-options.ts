/**
 * mqtt.js client options from the `mqtt` config section: credentials (env MQTT_USERNAME /
 * MQTT_PASSWORD override the config), TLS files, last will, reconnect and protocol settings.
 * Read once per connection, at start().
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { AdelineError } from '../domain/errors.js';
import { usesTls, type MqttConfig } from './broker-url.js';

export interface WillMessage {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface ClientOptionInputs {
  cfg: MqttConfig;
  url: string;
  clientId: string;
  protocolVersion: 4 | 5;
  will?: WillMessage;
  reconnect: boolean;
  env?: NodeJS.ProcessEnv;
}

function readPem(path: string | null, key: string): Buffer | undefined {
  if (path === null) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new AdelineError(
      'ADELINE_ERR_CONFIG',
      `mqtt.tls.${key} "${path}" cannot be read (${(err as Error).message}); fix the path or remove the key`,
      { cause: err },
    );
  }
}

/** Username and password: env first, then config. */
export function credentials(
  cfg: MqttConfig,
  env: NodeJS.ProcessEnv = process.env,
): { username?: string; password?: string } {
  const username = env.MQTT_USERNAME || cfg.broker.username || undefined;
  const password = env.MQTT_PASSWORD || cfg.broker.password || undefined;
  return { username, password };
}

export function buildClientOptions(i: ClientOptionInputs): IClientOptions {
  const { cfg } = i;
  const opts: IClientOptions = {
    clientId: i.clientId,
    protocolVersion: i.protocolVersion,
    clean: true,
    keepalive: cfg.keepalive_s,
    connectTimeout: cfg.connect_timeout_ms,
    reconnectPeriod: i.reconnect ? cfg.reconnect.initial_delay_ms : 0,
    reconnectOnConnackError: i.reconnect,
    queueQoSZero: false,
    resubscribe: false,
    ...credentials(cfg, i.env),
  };
  if (i.will) {
    opts.will = {
      topic: i.will.topic,
      payload: Buffer.from(i.will.payload),
      qos: i.will.qos,
      retain: i.will.retain,
    };
  }
  if (usesTls(i.url, cfg)) {
    const ca = readPem(cfg.tls.ca_file, 'ca_file');
    const cert = readPem(cfg.tls.cert_file, 'cert_file');
    const key = readPem(cfg.tls.key_file, 'key_file');
    if ((cert === undefined) !== (key === undefined)) {
      throw new AdelineError(
        'ADELINE_ERR_CONFIG',
        'mqtt.tls.cert_file and mqtt.tls.key_file must be set together for mutual TLS',
      );
    }
    Object.assign(opts, { ca, cert, key, rejectUnauthorized: cfg.tls.reject_unauthorized });
    if (/^mqtt:/i.test(i.url)) opts.protocol = 'mqtts';
  }
  return opts;
}

/**
 * Which broker to use: an external one (mqtt.broker.url, else mqtt.broker.host/port) or the
 * embedded one (neither set, the local default).
 */
import type { AdelineConfig } from '../config/schema.js';

export type MqttConfig = AdelineConfig['mqtt'];

export type BrokerTarget =
  { kind: 'external'; url: string } | { kind: 'embedded'; host: string; port: number };

const SCHEMES = ['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ssl:', 'ws:', 'wss:'];

export function resolveBrokerUrl(cfg: MqttConfig): BrokerTarget {
  const { url, host, port } = cfg.broker;
  if (url !== null) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RangeError(
        `mqtt.broker.url "${redactUrl(url)}" is not a URL; use e.g. mqtt://broker:1883`,
      );
    }
    if (!SCHEMES.includes(parsed.protocol)) {
      throw new RangeError(
        `mqtt.broker.url scheme "${parsed.protocol}" is not supported; use one of ${SCHEMES.map((s) => s + '//').join(', ')}`,
      );
    }
    return { kind: 'external', url };
  }
  if (host !== null) {
    const scheme = cfg.tls.enabled ? 'mqtts' : 'mqtt';
    const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    return { kind: 'external', url: `${scheme}://${h}:${port}` };
  }
  return { kind: 'embedded', host: cfg.embedded.host, port: cfg.embedded.port };
}

/** The URL a client uses to reach the embedded broker once it listens on `port`. */
export function embeddedUrl(host: string, port: number): string {
  const h =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `mqtt://${h}:${port}`;
}

/** The URL without user info, for logs, health and errors. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1');
}

/** Whether the URL (or the TLS switch) asks for TLS. */
export function usesTls(url: string, cfg: MqttConfig): boolean {
  return cfg.tls.enabled || /^(mqtts|tls|ssl|wss):/i.test(url);
}

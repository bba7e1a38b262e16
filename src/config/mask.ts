import { SECRET_PATHS, type AdelineConfig } from './schema.js';

const MASK = '***';

/** `scheme://user:password@` in a URL (MQTT broker, RTSP camera): the password part. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*):[^/?#\s]*@/i;

/** The URL with the password of its `user:password@` replaced by ***; other strings unchanged. */
export function maskUrlPassword(value: string): string {
  return value.replace(URL_PASSWORD, `$1:${MASK}@`);
}

/** Masks URL passwords in every string of a JSON-like tree, in place. */
function maskUrls(node: unknown): unknown {
  if (typeof node === 'string') return maskUrlPassword(node);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = maskUrls(node[i]);
  } else if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = maskUrls(o[k]);
  }
  return node;
}

/**
 * A deep copy of the config with every secret value replaced by ***: the SECRET_PATHS, and the
 * password of any `scheme://user:password@host` URL (mqtt.broker.url, camera URLs in
 * pipeline.rtsp_url and pipeline.sources[].url).
 */
export function maskSecrets(config: AdelineConfig): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const path of SECRET_PATHS) {
    const keys = path.split('.');
    let cur: Record<string, unknown> | undefined = copy;
    for (const k of keys.slice(0, -1)) cur = cur?.[k] as Record<string, unknown> | undefined;
    const last = keys[keys.length - 1] as string;
    if (!cur || cur[last] === null || cur[last] === undefined) continue;
    const v = cur[last];
    cur[last] =
      typeof v === 'object'
        ? Object.fromEntries(Object.keys(v as object).map((k) => [k, MASK]))
        : MASK;
  }
  maskUrls(copy);
  return copy;
}

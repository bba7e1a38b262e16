import { SECRET_PATHS, type AdelineConfig } from './schema.js';

const MASK = '***';

/** A deep copy of the config with every secret value replaced by ***. */
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
  return copy;
}

/** Renders docs/configuration.md's option tables from the zod config schema. */
import { z } from 'zod';
import { ConfigSchema } from '../../src/config/schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  prefixItems?: JsonSchema[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (Array.isArray(s.type)) return s.type.join(' \\| ');
  if (s.type === 'array' && s.prefixItems) return `[${s.prefixItems.map(typeOf).join(', ')}]`;
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  return s.type ?? 'any';
}

function range(s: JsonSchema): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const parts: string[] = [];
  if (lo !== undefined && lo > -Number.MAX_SAFE_INTEGER) parts.push(`≥ ${lo}`);
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${s.maximum}`);
  if (s.anyOf)
    for (const a of s.anyOf)
      if (a.minimum !== undefined || a.maximum !== undefined) parts.push(range(a));
  return parts.join(', ');
}

function rows(s: JsonSchema, prefix: string, out: string[]): void {
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v.type === 'object' && v.properties) {
      rows(v, path, out);
      continue;
    }
    const def = v.default === undefined ? '—' : `\`${JSON.stringify(v.default)}\``;
    const desc = (v.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    out.push(`| \`${path}\` | ${typeOf(v)} | ${def} | ${range(v)} | ${desc} |`);
    if (v.type === 'array' && v.items?.properties) {
      for (const [ik, iv] of Object.entries(v.items.properties)) {
        const d = iv.default === undefined ? '—' : `\`${JSON.stringify(iv.default)}\``;
        out.push(
          `| \`${path}[].${ik}\` | ${typeOf(iv)} | ${d} | ${range(iv)} | ${(iv.description ?? '').replace(/\|/g, '\\|')} |`,
        );
      }
    }
  }
}

export function renderConfigTables(): string {
  const js = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out: string[] = [];
  for (const [section, schema] of Object.entries(js.properties ?? {})) {
    out.push(
      `### \`${section}\``,
      '',
      '| key | type | default | range | meaning (unit) |',
      '|---|---|---|---|---|',
    );
    rows(schema, section, out);
    out.push('');
  }
  return out.join('\n');
}

/**
 * Finds keys the schema does not know and names the nearest valid key, so a mistyped
 * `max_fsp` says "did you mean max_fps?" instead of being silently ignored.
 */
import type { z } from 'zod';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips default/prefault/optional/nullable/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const d = defOf(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else break;
  }
  return s;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min(
        (dp[j] as number) + 1,
        (dp[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

/** The closest candidate, or null when nothing is reasonably close. */
export function nearest(key: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(key.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

export function unknownKeyWarnings(raw: unknown, schema: z.ZodType, prefix = ''): string[] {
  const out: string[] = [];
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === 'object' && d.shape && raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const known = Object.keys(d.shape);
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      const child = d.shape[k];
      if (!child) {
        const near = nearest(k, known);
        out.push(
          `unknown key ${path}${near ? ` (did you mean ${prefix ? prefix + '.' : ''}${near}?)` : ''}; it is ignored`,
        );
      } else {
        out.push(...unknownKeyWarnings(v, child, path));
      }
    }
  } else if (d.type === 'array' && d.element && Array.isArray(raw)) {
    raw.forEach((item, i) =>
      out.push(...unknownKeyWarnings(item, d.element as z.ZodType, `${prefix}[${i}]`)),
    );
  }
  return out;
}

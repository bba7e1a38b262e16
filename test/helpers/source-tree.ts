/** Reads the TypeScript files of src/ as text, for tests that check the code's shape. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SRC_DIR = join(REPO_ROOT, 'src');

export interface SourceFile {
  /** Path relative to src/, with forward slashes (e.g. `telemetry/sdk.ts`). */
  path: string;
  text: string;
}

/** Every .ts file below src/, sorted by path. */
export function sourceFiles(dir: string = SRC_DIR): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts'))
        out.push({
          path: relative(dir, full).split(sep).join('/'),
          text: readFileSync(full, 'utf8'),
        });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Removes // and /* *\/ comments (not inside strings: good enough for the checks that use it). */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

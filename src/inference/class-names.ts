/**
 * Class names: from a labels file (one name per line, or a JSON array of strings), else from the
 * model metadata `names` (Ultralytics writes a Python dict repr, `{0: 'person', 1: 'car'}`; a JSON
 * object or array is accepted too), else `class_<id>`.
 */
import { readFile, stat } from 'node:fs/promises';
import { AdelineError } from '../domain/errors.js';

export type ClassNamesSource = 'labels' | 'metadata' | 'generated';

/**
 * Parses the Ultralytics `names` metadata value. Returns null when it is absent or unparseable
 * (the model still works; names fall back to class_<id>).
 */
export function parseMetadataNames(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const s = value.trim();
  if (s.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(s);
      if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) return arr as string[];
    } catch {
      /* fall through to the dict parser */
    }
  }
  const entries = new Map<number, string>();
  const re = /['"]?(\d+)['"]?\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const m of s.matchAll(re)) {
    const raw = m[2] ?? m[3] ?? '';
    entries.set(Number(m[1]), raw.replace(/\\(.)/g, '$1'));
  }
  if (entries.size === 0) return null;
  const max = Math.max(...entries.keys());
  if (max > 100_000) return null;
  const out: string[] = [];
  for (let i = 0; i <= max; i++) out.push(entries.get(i) ?? `class_${i}`);
  return out;
}

/** The names in a labels file: a JSON array of strings, or one name per non-empty line. */
export function parseLabels(content: string, path: string): string[] {
  const s = content.replace(/^\uFEFF/, '').trim();
  if (s.length === 0) {
    throw new AdelineError(
      'ADELINE_ERR_LABELS',
      `labels file ${path} is empty; write one class name per line, in class-id order`,
    );
  }
  if (s.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(s);
    } catch (err) {
      throw new AdelineError(
        'ADELINE_ERR_LABELS',
        `labels file ${path} starts with "[" but is not valid JSON (${(err as Error).message}); use a JSON array of strings or one name per line`,
      );
    }
    if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string' && x.trim().length > 0)) {
      throw new AdelineError(
        'ADELINE_ERR_LABELS',
        `labels file ${path} must be a JSON array of non-empty strings, e.g. ["person", "fallen_person"]`,
      );
    }
    return (arr as string[]).map((x) => x.trim());
  }
  if (content.includes('\u0000')) {
    throw new AdelineError(
      'ADELINE_ERR_LABELS',
      `labels file ${path} looks binary; write one class name per line (UTF-8 text)`,
    );
  }
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Reads and parses a labels file; every problem is an ADELINE_ERR_LABELS naming the path. */
export async function loadLabelsFile(path: string): Promise<string[]> {
  let content: string;
  try {
    const st = await stat(path);
    if (!st.isFile())
      throw new AdelineError(
        'ADELINE_ERR_LABELS',
        `labels file ${path} is not a regular file; set models.labels_file to a text file`,
      );
    content = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof AdelineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
    throw new AdelineError(
      'ADELINE_ERR_LABELS',
      `labels file ${path} ${why}; fix models.labels_file or remove it to use the model's own names`,
      {
        cause: err,
      },
    );
  }
  return parseLabels(content, path);
}

/**
 * The final class list for `numClasses` classes (null when the layout does not tell, as for
 * end2end). A labels file must match the model's class count exactly; metadata names are padded.
 */
export function resolveClassNames(
  numClasses: number | null,
  labels: { names: string[]; path: string } | null,
  metadataNames: string[] | null,
): { names: string[]; source: ClassNamesSource } {
  if (labels) {
    if (numClasses !== null && labels.names.length !== numClasses) {
      throw new AdelineError(
        'ADELINE_ERR_LABELS',
        `labels file ${labels.path} has ${labels.names.length} name${labels.names.length === 1 ? '' : 's'} but the model outputs ${numClasses} classes; give exactly one name per class, in class-id order`,
      );
    }
    return { names: labels.names, source: 'labels' };
  }
  if (metadataNames && metadataNames.length > 0) {
    const n = numClasses ?? metadataNames.length;
    const names: string[] = [];
    for (let i = 0; i < n; i++) names.push(metadataNames[i] ?? `class_${i}`);
    return { names, source: 'metadata' };
  }
  const names: string[] = [];
  for (let i = 0; i < (numClasses ?? 0); i++) names.push(`class_${i}`);
  return { names, source: 'generated' };
}

/** The display name of a class id (class_<id> beyond the list). */
export function className(names: readonly string[], id: number): string {
  return names[id] ?? `class_${id}`;
}

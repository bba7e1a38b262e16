/**
 * The import graph of src/ at folder level, and the module table of docs/development.md it is
 * checked against (test/unit/import-graph.test.ts).
 */
import { stripComments, type SourceFile } from './source-tree.js';

export interface ImportRef {
  /** The module specifier, as written. */
  spec: string;
  /** `import type …` / `export type … from`: erased at compile time. */
  typeOnly: boolean;
}

export interface Edge {
  from: string;
  to: string;
  /** The importing file, relative to src/. */
  file: string;
}

/** Folder → folders it may import (empty for `nothing`). */
export type ModuleTable = Map<string, Set<string>>;

const STATIC = /^\s*(?:import|export)\b(\s+type\b)?[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const BARE = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module a file imports: static, re-exports, side-effect and dynamic imports. */
export function importsOf(text: string): ImportRef[] {
  const code = stripComments(text);
  const out: ImportRef[] = [];
  for (const m of code.matchAll(STATIC)) out.push({ spec: m[2]!, typeOnly: m[1] !== undefined });
  for (const m of code.matchAll(BARE)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of code.matchAll(DYNAMIC)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** The folder of src/ a path relative to src/ is in ('' for a file directly in src/). */
export function folderOf(path: string): string {
  const i = path.indexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Resolves a relative specifier of `file` (relative to src/) to a path relative to src/. */
function resolve(file: string, spec: string): string {
  const parts = file.split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

/** The cross-folder edges of the files' relative imports. */
export function folderEdges(files: SourceFile[]): Edge[] {
  const out: Edge[] = [];
  for (const f of files)
    for (const { spec } of importsOf(f.text)) {
      if (!spec.startsWith('.')) continue;
      const from = folderOf(f.path);
      const to = folderOf(resolve(f.path, spec));
      if (from !== to) out.push({ from, to, file: f.path });
    }
  return out;
}

/** Parses the rows of the module table: `` | `cli/` | owns | app, health, … | ``. */
export function parseModuleTable(markdown: string): ModuleTable {
  const table: ModuleTable = new Map();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([a-z-]+)\/`\s*\|[^|]*\|([^|]*)\|\s*$/.exec(line);
    if (!m) continue;
    const cell = m[2]!.trim();
    const allowed = cell === 'nothing' ? [] : cell.split(',').map((s) => s.trim());
    table.set(m[1]!, new Set(allowed.filter((s) => s !== '')));
  }
  return table;
}

/** What breaks the table: edges it does not allow, and folders (or targets) it has no row for. */
export function tableViolations(edges: Edge[], folders: string[], table: ModuleTable): string[] {
  const out = new Set<string>();
  for (const f of folders)
    if (!table.has(f)) out.add(`src/${f === '' ? '' : f + '/'} has no row in the module table`);
  for (const [folder, allowed] of table)
    for (const a of allowed)
      if (!table.has(a)) out.add(`${folder}/ may import ${a}/, which has no row`);
  for (const e of edges)
    if (table.has(e.from) && !table.get(e.from)!.has(e.to))
      out.add(`${e.from} → ${e.to} (src/${e.file}) is not allowed by the module table`);
  return [...out];
}

/** A package that only some files may import (the hard rules of docs/development.md). */
export interface PackageRule {
  /** Matches the package specifier. */
  pkg: RegExp;
  /** May a file (relative to src/) import it? */
  allowed: (file: string) => boolean;
  /** Type-only imports are allowed anywhere. */
  typesAnywhere?: boolean;
  why: string;
}

export const PACKAGE_RULES: PackageRule[] = [
  {
    pkg: /^onnxruntime-node($|\/)/,
    allowed: (f) => f.startsWith('inference/'),
    why: 'only src/inference/ imports onnxruntime-node',
  },
  {
    pkg: /^(mqtt|aedes)($|\/)/,
    allowed: (f) => f.startsWith('planes/'),
    why: 'only src/planes/ imports mqtt and aedes',
  },
  {
    pkg: /^@opentelemetry\/(sdk-|exporter-|instrumentation|host-metrics|resources)/,
    allowed: (f) => f === 'telemetry/sdk.ts',
    typesAnywhere: true,
    why: 'only src/telemetry/sdk.ts wires the OTel SDK',
  },
];

export function packageViolations(files: SourceFile[], rules = PACKAGE_RULES): string[] {
  const out: string[] = [];
  for (const f of files)
    for (const ref of importsOf(f.text))
      for (const r of rules)
        if (r.pkg.test(ref.spec) && !r.allowed(f.path) && !(r.typesAnywhere && ref.typeOnly))
          out.push(`src/${f.path} imports ${ref.spec}: ${r.why}`);
  return out;
}

/**
 * Shared helpers of the deployment tests: repository paths, YAML loading and running a tool.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/processes.js';

export { REPO_ROOT };

/** Absolute path of a repository file. */
export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}

export function readText(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** Parses one YAML document (the yaml package rejects duplicate keys, so those fail here). */
export function readYaml<T = unknown>(...parts: string[]): T {
  return parse(readText(...parts)) as T;
}

/** Parses every document of a multi-document YAML file; throws on the first syntax error. */
export function readYamlDocuments(...parts: string[]): unknown[] {
  const docs = parseAllDocuments(readText(...parts));
  return docs
    .map((d, i) => {
      if (d.errors.length > 0)
        throw new Error(`${join(...parts)} document ${i}: ${d.errors[0]?.message}`);
      return d.toJS() as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}

/** Every file under a repository folder whose name matches `pattern`, as repo-relative paths. */
export function listFiles(folder: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(name)) out.push(relative(REPO_ROOT, p));
    }
  };
  walk(repoPath(folder));
  return out.sort();
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion (promtool, amtool, yamllint, docker-compose, npm). */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): RunResult {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, ...opts });
  if (r.error)
    throw new Error(
      `${cmd} could not run: ${r.error.message} (scripts/setup.sh --test installs it)`,
    );
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A plain-object type guard for parsed YAML/JSON. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a nested property of parsed YAML/JSON by path; undefined when any step is missing. */
export function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = v;
  for (const key of path) {
    if (Array.isArray(cur) && typeof key === 'number') cur = cur[key];
    else if (isRecord(cur) && typeof key === 'string') cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** GitHub-style anchors of every Markdown heading in a file (`## Run books` -> `run-books`). */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const slug = m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    anchors.add(slug);
  }
  return anchors;
}

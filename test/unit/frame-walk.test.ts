/**
 * Issue 11: docs/development.md's "walk of one frame" matches the code. Every `src/….ts` file it
 * names exists, and every `name()` or `Class.method()` it names is declared in one of the files
 * of its step, so the walk fails as soon as a rename leaves it stale.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/source-tree.js';

interface Step {
  text: string;
  files: string[];
  /** `name()` → ['name'], `Class.method()` → ['Class', 'method']. */
  names: string[][];
}

/** The numbered steps after the frame-walk marker, up to the next heading. */
function parseWalk(markdown: string): Step[] {
  const start = markdown.indexOf('<!-- frame walk');
  if (start < 0) return [];
  const end = markdown.indexOf('\n## ', start);
  const body = markdown.slice(start, end < 0 ? undefined : end);
  const steps = body.split(/\n(?=\d+\. )/).filter((s) => /^\d+\. /.test(s));
  return steps.map((text) => ({
    text,
    files: [...text.matchAll(/`(src\/[\w/.-]+\.ts)`/g)].map((m) => m[1]!),
    names: [...text.matchAll(/`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\(\)`/g)].map((m) =>
      m[1]!.split('.'),
    ),
  }));
}

const declares = (code: string, name: string): boolean =>
  new RegExp(
    `(?:\\bfunction\\s+${name}\\b|\\bclass\\s+${name}\\b|\\b(?:const|let)\\s+${name}\\s*=|^\\s*(?:(?:public|private|protected|static|async|override|readonly)\\s+)*${name}\\s*(?:<[^>\\n]*>)?\\()`,
    'm',
  ).test(code);

/** What is stale in the steps: files that do not exist, names no file of their step declares. */
function staleNames(steps: Step[], read: (file: string) => string | null): string[] {
  const out: string[] = [];
  for (const [i, step] of steps.entries()) {
    const sources = step.files.map((f) => ({ f, code: read(f) }));
    for (const { f, code } of sources)
      if (code === null) out.push(`step ${i + 1}: ${f} is missing`);
    for (const parts of step.names) {
      const ok = parts.every((n) => sources.some(({ code }) => code !== null && declares(code, n)));
      if (!ok)
        out.push(
          `step ${i + 1}: ${parts.join('.')}() is declared in none of ${step.files.join(', ')}`,
        );
    }
  }
  return out;
}

const readRepo = (f: string) =>
  existsSync(join(REPO_ROOT, f)) ? readFileSync(join(REPO_ROOT, f), 'utf8') : null;

describe('walk of one frame (docs/development.md)', () => {
  const steps = parseWalk(readFileSync(join(REPO_ROOT, 'docs/development.md'), 'utf8'));

  it('walks a frame from its source to its MQTT message in at least ten steps', () => {
    assert.ok(steps.length >= 10, `${steps.length} steps`);
    const files = steps.flatMap((s) => s.files);
    for (const f of [
      'src/pipeline/frame-loop.ts',
      'src/pipeline/frame-processor.ts',
      'src/inference/worker.ts',
      'src/planes/data-plane.ts',
    ])
      assert.ok(files.includes(f), `the walk passes ${f}`);
    assert.ok(
      steps.every((s) => s.files.length > 0),
      'every step names its file',
    );
  });

  it('names only files and functions that exist in src/', () => {
    assert.ok(steps.flatMap((s) => s.names).length >= 30, 'the walk names its functions');
    assert.deepEqual(staleNames(steps, readRepo), []);
  });

  it('reports a renamed function, a missing file and a class that does not exist', () => {
    const doc = [
      '<!-- frame walk -->',
      '1. `src/a.ts`: `Alpha.start()` then `gone()`.',
      '2. `src/missing.ts`: `beta()`.',
      '3. `src/a.ts`: `Gamma.start()`.',
      '## Next',
    ].join('\n');
    const files: Record<string, string> = {
      'src/a.ts':
        'export class Alpha {\n  async start(): Promise<void> {}\n}\nfunction beta() {}\n',
    };
    assert.deepEqual(
      staleNames(parseWalk(doc), (f) => files[f] ?? null),
      [
        'step 1: gone() is declared in none of src/a.ts',
        'step 2: src/missing.ts is missing',
        'step 2: beta() is declared in none of src/missing.ts',
        'step 3: Gamma.start() is declared in none of src/a.ts',
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdelineError,
  ERROR_CODES,
  ERROR_LIST,
  errorTypeOf,
  errorTypeOfUnknown,
  rejectionKindOf,
} from '../../src/domain/errors.js';
import { REPO_ROOT, sourceFiles, stripComments, type SourceFile } from '../helpers/source-tree.js';

/** The values that occur more than once in `values`. */
function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}

/** Files of `files` with a bare `throw new Error(` (outside comments), as `path:line`. */
function bareThrows(files: SourceFile[]): string[] {
  const out: string[] = [];
  for (const f of files)
    stripComments(f.text)
      .split('\n')
      .forEach((line, i) => {
        if (/\bthrow\s+new\s+Error\s*\(/.test(line)) out.push(`${f.path}:${i + 1}`);
      });
  return out;
}

/** Codes of `codes` that no `new AdelineError('CODE'` in `files` raises. */
function unraised(codes: readonly string[], files: SourceFile[]): string[] {
  const text = files.map((f) => stripComments(f.text)).join('\n');
  return codes.filter((c) => !new RegExp(`AdelineError\\(\\s*'${c}'`).test(text));
}

const codes = ERROR_LIST.map(([code]) => code);
const docCodes = (doc: string) => [...new Set(doc.match(/ADELINE_ERR_[A-Z_]+/g) ?? [])];

describe('error registry', () => {
  it('gives every code a unique, prefixed name and a description', () => {
    assert.deepEqual(duplicates(codes), []);
    assert.deepEqual(duplicates(codes.map((c) => errorTypeOf(c))), [], 'error_type labels');
    for (const [code, description] of ERROR_LIST) {
      assert.match(code, /^ADELINE_ERR_[A-Z_]+$/);
      assert.ok(description.length > 10, `${code} has a description`);
    }
    assert.equal(Object.keys(ERROR_CODES).length, codes.length);
  });

  it('reports a code listed twice (the uniqueness check can fail)', () => {
    const list = [...codes, 'ADELINE_ERR_CONFIG'];
    assert.deepEqual(duplicates(list), ['ADELINE_ERR_CONFIG']);
  });

  it('documents every code in docs/errors.md, and docs/errors.md names no unknown code', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/errors.md'), 'utf8');
    assert.deepEqual(
      codes.filter((c) => !doc.includes(`\`${c}\``)),
      [],
      'missing from docs/errors.md',
    );
    assert.deepEqual(
      docCodes(doc).filter((c) => !(codes as string[]).includes(c)),
      [],
      'in docs/errors.md but not in src/domain/errors.ts',
    );
  });

  it('rejects a docs page that names a code the registry does not have', () => {
    const doc = '| `ADELINE_ERR_CONFIG` | ... |\n| `ADELINE_ERR_NO_SUCH_THING` | ... |';
    assert.deepEqual(
      docCodes(doc).filter((c) => !(codes as string[]).includes(c)),
      ['ADELINE_ERR_NO_SUCH_THING'],
    );
  });

  it('raises every code somewhere in src/', () => {
    const files = sourceFiles().filter((f) => f.path !== 'domain/errors.ts');
    assert.deepEqual(unraised(codes, files), []);
  });

  it('finds a code that nothing raises', () => {
    const files = [{ path: 'x.ts', text: "throw new AdelineError('ADELINE_ERR_CONFIG', 'x');" }];
    assert.deepEqual(unraised(['ADELINE_ERR_CONFIG', 'ADELINE_ERR_USAGE'], files), [
      'ADELINE_ERR_USAGE',
    ]);
  });

  it('throws only coded errors in src/: no bare throw new Error(', () => {
    assert.deepEqual(bareThrows(sourceFiles()), []);
  });

  it('finds a bare throw new Error( and ignores one in a comment', () => {
    const text = "// throw new Error('a comment')\nif (x)\n  throw new Error('bare');\n";
    assert.deepEqual(bareThrows([{ path: 'a.ts', text }]), ['a.ts:3']);
  });

  it('derives a lower-case error_type label from the code', () => {
    assert.equal(errorTypeOf('ADELINE_ERR_MODEL_FORMAT'), 'model_format');
    assert.equal(new AdelineError('ADELINE_ERR_SPOOL_IO', 'x').errorType, 'spool_io');
    assert.equal(errorTypeOfUnknown(new Error('boom')), 'internal');
  });

  it('keeps the cause and the details', () => {
    const cause = new Error('inner');
    const e = new AdelineError('ADELINE_ERR_CONFIG', 'outer', { cause, details: { k: 1 } });
    assert.equal(e.cause, cause);
    assert.deepEqual(e.details, { k: 1 });
    assert.equal(e.code, 'ADELINE_ERR_CONFIG');
  });
});

describe('rejectionKindOf', () => {
  const rejected = (rejection: unknown) =>
    new AdelineError('ADELINE_ERR_MQTT_PUBLISH', 'x', { details: { rejection } });

  it('reads the rejection kind a policy puts on its error', () => {
    for (const kind of ['breaker_open', 'bulkhead_full', 'timeout'] as const)
      assert.equal(rejectionKindOf(rejected(kind)), kind);
  });

  it('rejects an unknown kind, a non-string kind, a plain Error and a non-error', () => {
    assert.equal(rejectionKindOf(rejected('open')), undefined);
    assert.equal(rejectionKindOf(rejected(1)), undefined);
    assert.equal(rejectionKindOf(new AdelineError('ADELINE_ERR_CONFIG', 'x')), undefined);
    const plain = Object.assign(new Error('x'), { details: { rejection: 'timeout' } });
    assert.equal(rejectionKindOf(plain), undefined);
    assert.equal(rejectionKindOf('timeout'), undefined);
  });
});

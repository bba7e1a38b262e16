import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileIdSequence, memorySequence } from '../../src/resilience/id-sequence.js';
import { tempDir } from '../helpers/processes.js';

describe('message_id sequence', () => {
  it('counts from 1 on a fresh install', () => {
    const s = new FileIdSequence(join(tempDir(), 'spool', 'message-id'), 5);
    assert.deepEqual([s.take(), s.take(), s.take()], [1, 2, 3]);
    assert.equal(s.peek(), 4);
  });

  it('never repeats an id after a restart, even past a block boundary', () => {
    const file = join(tempDir(), 'message-id');
    const first = new FileIdSequence(file, 4);
    const seen = new Set(Array.from({ length: 9 }, () => first.take()));
    const second = new FileIdSequence(file, 4);
    const next = Array.from({ length: 9 }, () => second.take());
    for (const id of next) assert.ok(!seen.has(id), `id ${id} was used by the previous run`);
    assert.ok(
      next.every((id, i) => i === 0 || id === (next[i - 1] as number) + 1),
      'ids are consecutive within a run',
    );
  });

  it('restarts from 1 when the stored value is garbage', () => {
    const file = join(tempDir(), 'message-id');
    writeFileSync(file, 'not a number');
    assert.equal(new FileIdSequence(file).take(), 1);
    assert.match(readFileSync(file, 'utf8'), /^\d+\n$/);
  });

  it('keeps counting in memory when the file cannot be written', () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'x');
    const s = new FileIdSequence(join(blocker, 'message-id'), 2); // ENOTDIR
    assert.deepEqual([s.take(), s.take(), s.take()], [1, 2, 3]);
  });

  it('rejects a block size that is not a positive integer', () => {
    assert.throws(() => new FileIdSequence(join(tempDir(), 'x'), 0), RangeError);
  });

  it('has an in-memory variant counting from 1', () => {
    const s = memorySequence();
    assert.deepEqual([s.take(), s.take(), s.peek()], [1, 2, 3]);
  });
});

/**
 * message_id sequence that keeps rising across restarts, so that the ids of a new run never
 * collide with the previous run's ids still waiting in the spool (consumers de-duplicate by
 * message_id). A fresh install counts from 1, as the Python Adeline did. Ids are reserved in
 * blocks: the file holds the first id of the next block, written atomically once per block, so a
 * restart skips at most one block (gaps are fine; repeats are not).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeError } from '../domain/errors.js';
import { getLogger } from '../telemetry/logger.js';

export interface IdSequence {
  /** The next id (1, 2, 3, … within a run). */
  take(): number;
  /** The id take() will return next. */
  peek(): number;
}

/** An in-memory sequence from 1 (no spool: nothing outlives the run). */
export function memorySequence(): IdSequence {
  let next = 1;
  return { take: () => next++, peek: () => next };
}

export class FileIdSequence implements IdSequence {
  private next: number;
  private limit: number;
  private persistent = true;

  constructor(
    private readonly file: string,
    private readonly block = 10_000,
  ) {
    if (!Number.isInteger(block) || block < 1)
      throw new RangeError(`block must be an integer >= 1, got ${block}`);
    this.next = readStart(file);
    this.limit = this.next;
    this.reserve();
  }

  take(): number {
    if (this.next >= this.limit) this.reserve();
    return this.next++;
  }

  peek(): number {
    return this.next;
  }

  private reserve(): void {
    this.limit = this.next + this.block;
    if (!this.persistent) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, `${this.limit}\n`);
      renameSync(tmp, this.file);
    } catch (err) {
      this.persistent = false;
      getLogger('spool').warn(
        { event: 'spool_io_failed', path: this.file, error: describeError(err) },
        `cannot persist the message_id sequence in ${this.file} (${describeError(err)}); ids restart from 1 after a restart. Check spool.dir permissions`,
      );
    }
  }
}

function readStart(file: string): number {
  try {
    const v = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(v) && v >= 1 ? v : 1;
  } catch {
    return 1;
  }
}

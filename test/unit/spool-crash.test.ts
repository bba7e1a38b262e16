import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { DiskSpool } from '../../src/resilience/spool.js';
import { crashRecord } from './spool-crash-record.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./spool-kill-child.ts', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');

/** Runs the appending child until it confirmed `atLeast` records, SIGKILLs it, returns the last confirmed id. */
function appendThenKill(
  dir: string,
  fsync: string,
  first: number,
  pad: number,
  atLeast: number,
  killDelayMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--import', 'tsx', CHILD, dir, fsync, String(first), String(pad)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = first - 1;
    let buffered = '';
    let stderr = '';
    let killing = false;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const l of lines) last = Number(l);
      if (last - first + 1 >= atLeast && !killing) {
        killing = true; // kill a little later, at an arbitrary point of the append loop
        setTimeout(() => child.kill('SIGKILL'), killDelayMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL' || last - first + 1 < atLeast) {
        reject(
          new Error(
            `child ended with ${signal ?? _code} after ${last - first + 1} records: ${stderr}`,
          ),
        );
      } else resolve(last);
    });
  });
}

describe('disk spool under SIGKILL', function () {
  this.timeout(40_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'adeline-spool-kill-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps every fully written record intact and in order across two killed writers', async () => {
    const pad = 60_000; // ~60 KB records; the kill lands at an arbitrary point of the append loop
    const last1 = await appendThenKill(dir, 'never', 0, pad, 150, 3);
    const last2 = await appendThenKill(dir, 'always', 100_000, pad, 60, 7);
    const spool = new DiskSpool(
      {
        enabled: true,
        dir,
        max_bytes: 512 * 1024 * 1024,
        segment_bytes: 1024 * 1024,
        fsync: 'never',
        fsync_interval_ms: 1000,
      },
      { logger: () => pino({ level: 'silent' }) },
    );
    await spool.open();
    const ids: number[] = [];
    for (let r = await spool.peek(); r; r = await spool.peek()) {
      assert.deepEqual(r, crashRecord(r.messageId, pad), `record ${r.messageId} intact`);
      ids.push(r.messageId);
      await spool.ack();
    }
    await spool.close();
    const run1 = ids.filter((i) => i < 100_000);
    const run2 = ids.filter((i) => i >= 100_000);
    assert.deepEqual(ids, [...run1, ...run2], 'the second run appended after the first');
    assert.deepEqual(
      run1,
      Array.from({ length: run1.length }, (_, k) => k),
      'no gap in run 1',
    );
    assert.deepEqual(
      run2,
      Array.from({ length: run2.length }, (_, k) => 100_000 + k),
      'no gap in run 2',
    );
    assert.ok(run1.at(-1)! >= last1, `confirmed ${last1}, found ${run1.at(-1)}`);
    assert.ok(run2.at(-1)! >= last2, `confirmed ${last2}, found ${run2.at(-1)}`);
  });
});

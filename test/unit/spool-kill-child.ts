/**
 * Child process of spool-crash.test.ts: appends records to a spool as fast as it can and prints
 * each message_id once its append resolved, until the parent kills it with SIGKILL.
 * Usage: node --import tsx spool-kill-child.ts <dir> <fsync> <first-id> <payload-bytes>
 */
import { pino } from 'pino';
import { DiskSpool } from '../../src/resilience/spool.js';
import { crashRecord } from './spool-crash-record.js';

const [dir, fsync, first, pad] = process.argv.slice(2);
const spool = new DiskSpool(
  {
    enabled: true,
    dir: dir!,
    max_bytes: 512 * 1024 * 1024,
    segment_bytes: 1024 * 1024,
    fsync: fsync as 'always' | 'interval' | 'never',
    fsync_interval_ms: 5,
  },
  { logger: () => pino({ level: 'silent' }) },
);
await spool.open();
for (let i = Number(first); ; i++) {
  await spool.append(crashRecord(i, Number(pad)));
  process.stdout.write(`${i}\n`);
}

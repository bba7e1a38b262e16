/**
 * Files of the disk spool: segment names, the directory listing, the read cursor (written
 * atomically: temp file, optional fsync, rename) and ADELINE_ERR_SPOOL_IO errors that name the
 * path and the fix.
 */
import { mkdir, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdelineConfig } from '../config/schema.js';
import { AdelineError } from '../domain/errors.js';

const SEGMENT_RE = /^(\d{16})\.seg$/;
export const CURSOR_FILE = 'cursor.json';

export function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.seg`;
}

/** Sequence numbers of the segment files in `dir`, oldest first. Other files are ignored. */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await io('list', dir, () => readdir(dir));
  const seqs: number[] = [];
  for (const n of names) {
    const m = SEGMENT_RE.exec(n);
    if (m) seqs.push(Number(m[1]));
  }
  return seqs.sort((a, b) => a - b);
}

/** Position of the oldest unacknowledged record: segment sequence and byte offset in it. */
export interface Cursor {
  segment: number;
  offset: number;
}

/** Reads the cursor; null when there is none or it is unreadable (everything is then replayed). */
export async function readCursor(dir: string): Promise<Cursor | null> {
  let text: string;
  try {
    text = await readFile(join(dir, CURSOR_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError('read', join(dir, CURSOR_FILE), err);
  }
  try {
    const c = JSON.parse(text) as Partial<Cursor>;
    const ok = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    return ok(c.segment) && ok(c.offset) ? { segment: c.segment!, offset: c.offset! } : null;
  } catch {
    return null;
  }
}

/** Replaces the cursor file atomically. */
export async function writeCursor(dir: string, cursor: Cursor, sync: boolean): Promise<void> {
  const path = join(dir, CURSOR_FILE);
  const tmp = `${path}.tmp`;
  await io('write', tmp, async () => {
    const text = JSON.stringify(cursor);
    if (!sync) return writeFile(tmp, text);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  });
  await io('rename', path, () => rename(tmp, path));
}

export async function ensureDir(dir: string): Promise<void> {
  await io('create', dir, () => mkdir(dir, { recursive: true }));
}

/** fsyncs a directory so that created and deleted files survive a power loss. */
export async function syncDir(dir: string): Promise<void> {
  await io('sync', dir, async () => {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

const FIXES: Record<string, string> = {
  EACCES: 'give the service user write permission on spool.dir',
  EPERM: 'give the service user write permission on spool.dir',
  EROFS: 'spool.dir is on a read-only file system; point spool.dir at a writable volume',
  ENOSPC: 'the disk is full; free space or lower spool.max_bytes',
  EDQUOT: 'the disk quota is exhausted; free space or lower spool.max_bytes',
  ENOTDIR: 'a part of spool.dir is a file, not a directory; fix spool.dir',
  EEXIST: 'spool.dir exists but is not a directory; fix spool.dir',
  EISDIR: 'a spool file name is taken by a directory; remove it from spool.dir',
  EMFILE: 'too many open files; raise the file descriptor limit',
};

/** ADELINE_ERR_SPOOL_IO naming the operation, the path, the OS error and the fix. */
export function ioError(op: string, path: string, err: unknown): AdelineError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
  const fix = FIXES[code] ?? 'check spool.dir (permissions, free disk space)';
  const why = err instanceof Error ? err.message : String(err);
  return new AdelineError(
    'ADELINE_ERR_SPOOL_IO',
    `spool ${op} failed for ${path}: ${why}; ${fix}`,
    {
      cause: err,
      details: { path, op, errno: code },
    },
  );
}

/** Runs an fs operation, turning its failure into ADELINE_ERR_SPOOL_IO. */
export async function io<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AdelineError) throw err;
    throw ioError(op, path, err);
  }
}

/** Checks the spool config at the API edge (it is normally validated by the config schema). */
export function validateSpoolConfig(cfg: Omit<AdelineConfig['spool'], 'replay'>): void {
  if (typeof cfg?.dir !== 'string' || cfg.dir === '') {
    throw new TypeError('spool.dir must be a non-empty string');
  }
  for (const k of ['max_bytes', 'segment_bytes', 'fsync_interval_ms'] as const) {
    if (!Number.isSafeInteger(cfg[k]) || cfg[k] <= 0) {
      throw new RangeError(`spool.${k} must be a positive integer, got ${cfg[k]}`);
    }
  }
  if (!['always', 'interval', 'never'].includes(cfg.fsync)) {
    throw new RangeError(`spool.fsync must be always, interval or never, got ${String(cfg.fsync)}`);
  }
}

/**
 * Runs the built CLI (bin/adeline) to completion, like a user would, with a deadline; and the
 * isolation flags `adeline run` needs in a test (free ports, a temp spool, no collector).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startAdeline, tempDir } from './processes.js';

export interface CliResult {
  /** Exit code, or the signal name. */
  code: number | string;
  stdout: string;
  stderr: string;
  /** Wall time, ms. */
  ms: number;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  /** Kill the process (SIGKILL) and fail after this long. Default 30 s. */
  timeoutMs?: number;
}

/** Runs `adeline ...args` until it exits; rejects (after killing it) when it outlives the deadline. */
export async function runAdeline(args: string[], opts: CliRunOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const proc = startAdeline(args, { env: { ...process.env, ...opts.env } });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const code = await Promise.race([proc.exited, deadline]);
  clearTimeout(timer);
  if (code === 'timeout') {
    await proc.stop('SIGKILL', 2000);
    throw new Error(
      `adeline ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${proc.stderr().slice(-2000)}`,
    );
  }
  return { code, stdout: proc.stdout(), stderr: proc.stderr(), ms: Date.now() - started };
}

/**
 * `--set` flags that isolate `adeline run` in a test: OS-chosen health and embedded-broker ports,
 * a temp spool, OTLP pointed at a closed port (export fails quietly), no host metrics, JSON logs.
 */
export function isolatedRunArgs(spoolDir = join(tempDir('adeline-cli-spool-'), 'spool')): string[] {
  const set: Record<string, string | number | boolean> = {
    'health.port': 0,
    'mqtt.embedded.port': 0,
    'spool.dir': spoolDir,
    'telemetry.otlp.endpoint': 'http://127.0.0.1:9',
    'telemetry.otlp.timeout_ms': 500,
    'telemetry.metrics.host': false,
    'logging.pretty': 'never',
  };
  return ['--no-progress', ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
}

/**
 * Asserts the CLI's contract for an expected failure: exit status `exit`, exactly one
 * `adeline: error [CODE]: ...` line on stderr that mentions each of `mentions`, and no stack trace.
 * Returns the error line.
 */
export function assertCleanError(
  r: CliResult,
  code: string,
  exit: number,
  ...mentions: Array<string | RegExp>
): string {
  const context = `stderr:\n${r.stderr}`;
  assert.equal(r.code, exit, `exit status; ${context}`);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('adeline: error'));
  assert.equal(errors.length, 1, `exactly one error line; ${context}`);
  const line = errors[0]!;
  assert.ok(line.startsWith(`adeline: error [${code}]: `), `error code ${code}; ${context}`);
  for (const m of mentions) {
    if (typeof m === 'string')
      assert.ok(line.includes(m), `error line should mention "${m}": ${line}`);
    else assert.match(line, m);
  }
  assertNoStackTrace(r);
  return line;
}

/** No `    at ` frames and no "unexpected error" on stderr or stdout. */
export function assertNoStackTrace(r: CliResult): void {
  for (const [name, text] of [
    ['stderr', r.stderr],
    ['stdout', r.stdout],
  ] as const) {
    assert.ok(!/^\s+at /m.test(text), `no stack trace on ${name}:\n${text}`);
    assert.ok(!text.includes('\\n    at '), `no stack trace in a log line on ${name}:\n${text}`);
    assert.ok(!text.includes('unexpected error'), `no unexpected error on ${name}:\n${text}`);
  }
}

/** Frames in a video file as ffprobe decodes and counts them (-count_frames). */
export function countFrames(path: string): number {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=nb_read_frames',
    '-of',
    'csv=p=0',
    path,
  ]).toString();
  const n = Number(out.trim());
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`ffprobe counted no frames in ${path}: "${out}"`);
  return n;
}

/**
 * Independent CLI runs started in the background, at most `limit` at a time, so that a file of
 * many short cases takes less wall time; each test awaits its own result by key.
 */
export class CliBatch {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly results = new Map<string, Promise<CliResult>>();

  constructor(private readonly limit = 3) {}

  /** Queues `adeline ...args` under `key`. */
  add(key: string, args: string[], opts: CliRunOptions = {}): void {
    if (this.results.has(key)) throw new Error(`CliBatch: duplicate key ${key}`);
    const p = this.slot().then(async (release) => {
      try {
        return await runAdeline(args, opts);
      } finally {
        release();
      }
    });
    p.catch(() => {}); // reported by get(), not as an unhandled rejection
    this.results.set(key, p);
  }

  /** The result of the run queued under `key`. */
  get(key: string): Promise<CliResult> {
    const p = this.results.get(key);
    if (!p) throw new Error(`CliBatch: no run queued under ${key}`);
    return p;
  }

  private async slot(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }
}

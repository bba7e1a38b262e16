/**
 * One ffmpeg/ffprobe child process: stdout as a stream (or a socket the caller reads), stderr kept
 * (bounded) for error messages, killed by PID and always reaped (we await its exit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

const STDERR_LIMIT = 4096;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned (ENOENT: the binary is missing). */
  spawnError?: NodeJS.ErrnoException;
}

export class ChildRun {
  readonly child: ChildProcess;
  readonly exited: Promise<ProcessExit>;
  private stderrText = '';

  /** `stdout`: a socket to give the child as its fd 1 (then `this.stdout` is not used). */
  constructor(bin: string, args: readonly string[], stdout?: Socket) {
    this.child = spawn(bin, args, { stdio: ['ignore', stdout ?? 'pipe', 'pipe'] });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => {
      this.stderrText += d;
      if (this.stderrText.length > STDERR_LIMIT * 2)
        this.stderrText = this.stderrText.slice(-STDERR_LIMIT);
    });
    this.exited = new Promise<ProcessExit>((resolve) => {
      let spawnError: NodeJS.ErrnoException | undefined;
      // 'on', not 'once': a later error (a failed kill) must not go unhandled.
      this.child.on('error', (err: NodeJS.ErrnoException) => {
        // A spawn failure emits 'error' (then maybe 'close'): it never ran, so resolve now.
        if (this.child.pid !== undefined) return;
        spawnError ??= err;
        resolve({ code: null, signal: null, spawnError });
      });
      // 'close' waits for stdio to end too, so no stdout byte is lost after exit.
      this.child.once('close', (code, signal) => resolve({ code, signal, spawnError }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The child's stdout pipe; null when it was given a socket instead. */
  get stdout(): Readable | null {
    return this.child.stdout;
  }

  get running(): boolean {
    return (
      this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** The last lines ffmpeg wrote to stderr (bounded), trimmed. */
  stderrTail(maxChars = 600): string {
    const t = this.stderrText.trim();
    return t.length > maxChars ? '…' + t.slice(-maxChars) : t;
  }

  /** SIGKILLs the process by PID (ffmpeg only reads, there is nothing to flush) and waits for it. */
  async kill(): Promise<ProcessExit> {
    const pid = this.child.pid;
    if (pid !== undefined && this.running) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.child.stdout?.destroy();
    return this.exited;
  }
}

/** Runs a command to completion with a deadline; kills it by PID on timeout. */
export async function runToEnd(
  bin: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<ProcessExit & { stdout: string; stderr: string; timedOut: boolean }> {
  const run = new ChildRun(bin, args);
  let stdout = '';
  run.child.stdout?.setEncoding('utf8');
  run.child.stdout?.on('data', (d: string) => (stdout += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void run.kill();
  }, timeoutMs);
  const exit = await run.exited;
  clearTimeout(timer);
  return { ...exit, stdout, stderr: run.stderrTail(), timedOut };
}

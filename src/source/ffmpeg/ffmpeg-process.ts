/**
 * One ffmpeg/ffprobe child process: stdout as a stream (or a socket the caller reads), stderr kept
 * (bounded) for error messages, killed by PID and always reaped (we await its exit). A child
 * that writes to a socket is started by the launcher process when it runs (launcher.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Launcher, RemoteChild } from './launcher.js';

const STDERR_LIMIT = 4096;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned (ENOENT: the binary is missing). */
  spawnError?: NodeJS.ErrnoException;
}

export class ChildRun {
  readonly exited: Promise<ProcessExit>;
  /** True when `stdout` went to the launcher (launcher.ts), which now owns that socket. */
  readonly launched: boolean;
  private readonly child: ChildProcess | null = null;
  private readonly remote: RemoteChild | null = null;
  private remotePid: number | undefined;
  private ended = false;
  private stderrText = '';

  /**
   * `stdout`: a socket to give the child as its fd 1 (then `this.stdout` is not used). With one
   * and a `via` launcher, the child is started by the launcher process when it runs (`launched`).
   */
  constructor(bin: string, args: readonly string[], stdout?: Socket, via?: Launcher | null) {
    let resolveExit!: (e: ProcessExit) => void;
    this.exited = new Promise<ProcessExit>((resolve) => (resolveExit = resolve)).then((e) => {
      this.ended = true;
      return e;
    });
    this.remote =
      stdout && via
        ? via.launch(bin, args, stdout, {
            pid: (pid) => (this.remotePid = pid),
            stderr: (text) => this.keepStderr(text),
            exit: resolveExit,
          })
        : null;
    this.launched = this.remote !== null;
    if (this.remote) return;
    const child = spawn(bin, args, { stdio: ['ignore', stdout ?? 'pipe', 'pipe'] });
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => this.keepStderr(d));
    let spawnError: NodeJS.ErrnoException | undefined;
    // 'on', not 'once': a later error (a failed kill) must not go unhandled.
    child.on('error', (err: NodeJS.ErrnoException) => {
      // A spawn failure emits 'error' (then maybe 'close'): it never ran, so resolve now.
      if (child.pid !== undefined) return;
      spawnError ??= err;
      resolveExit({ code: null, signal: null, spawnError });
    });
    // 'close' waits for stdio to end too, so no stdout byte is lost after exit.
    child.once('close', (code, signal) => resolveExit({ code, signal, spawnError }));
  }

  get pid(): number | undefined {
    return this.child ? this.child.pid : this.remotePid;
  }

  /** The child's stdout pipe; null when it was given a socket instead. */
  get stdout(): Readable | null {
    return this.child?.stdout ?? null;
  }

  get running(): boolean {
    if (this.remote) return !this.ended;
    const c = this.child!;
    return c.pid !== undefined && c.exitCode === null && c.signalCode === null;
  }

  /** The last lines ffmpeg wrote to stderr (bounded), trimmed. */
  stderrTail(maxChars = 600): string {
    const t = this.stderrText.trim();
    return t.length > maxChars ? '…' + t.slice(-maxChars) : t;
  }

  /** SIGKILLs the process by PID (ffmpeg only reads, there is nothing to flush) and waits for it. */
  async kill(): Promise<ProcessExit> {
    if (this.remote) {
      if (!this.ended) this.remote.kill();
      return this.exited;
    }
    const pid = this.child!.pid;
    if (pid !== undefined && this.running) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.child!.stdout?.destroy();
    return this.exited;
  }

  private keepStderr(d: string): void {
    this.stderrText += d;
    if (this.stderrText.length > STDERR_LIMIT * 2)
      this.stderrText = this.stderrText.slice(-STDERR_LIMIT);
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
  run.stdout?.setEncoding('utf8');
  run.stdout?.on('data', (d: string) => (stdout += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void run.kill();
  }, timeoutMs);
  const exit = await run.exited;
  clearTimeout(timer);
  return { ...exit, stdout, stderr: run.stderrTail(), timedOut };
}

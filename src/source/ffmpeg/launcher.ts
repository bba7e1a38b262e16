/**
 * Starts ffmpeg through a small launcher process (launcher-child.ts) instead of forking the
 * service itself.
 *
 * Why: `child_process.spawn` forks, and the kernel copies the parent's page tables while the
 * calling thread waits. The cost grows with the resident size: about 5 ms for an empty Node,
 * 10 ms at 350 MiB and 25 ms at 1 GiB on the 2-core machine of docs/benchmarks.md, where the
 * service with a model loaded took 12–28 ms per ffmpeg start. That blocked the event loop at every
 * pass of a looped file and at every reconnect of a camera. The launcher is forked once, when the
 * first file or stream source starts, and each ffmpeg is then forked from its small address space;
 * the service only sends a message and the socket ffmpeg writes its frames to.
 *
 * If the launcher cannot be started, or exits unexpectedly LAUNCHER_LOSSES_MAX times, ffmpeg is
 * spawned directly, as before (logged as ffmpeg_launcher_exited). The launcher SIGKILLs its
 * children and exits when the service's end of the channel closes, so no ffmpeg outlives it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getLogger, logEvent } from '../../telemetry/logger.js';
import type { ProcessExit } from './ffmpeg-process.js';
import type { LauncherReply, LauncherRequest } from './launcher-protocol.js';

/** After this many unexpected exits of the launcher, ffmpeg is spawned directly. */
export const LAUNCHER_LOSSES_MAX = 3;

export interface RemoteHandlers {
  pid(pid: number): void;
  stderr(text: string): void;
  exit(exit: ProcessExit): void;
}

/** A child started by the launcher. */
export interface RemoteChild {
  /** SIGKILLs it (through the launcher, or by pid when the launcher is gone). */
  kill(): void;
}

interface Run {
  handlers: RemoteHandlers;
  pid?: number;
}

const log = getLogger('source');

function childModule(): { path: string; execArgv: string[] } {
  const url = new URL(
    import.meta.url.endsWith('.ts') ? './launcher-child.ts' : './launcher-child.js',
    import.meta.url,
  );
  // Under tsx (the tests), the launcher is TypeScript too and needs tsx's loader.
  return {
    path: fileURLToPath(url),
    execArgv: url.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [],
  };
}

export class Launcher {
  private proc: ChildProcess | null = null;
  private readonly runs = new Map<number, Run>();
  private nextId = 1;
  private losses = 0;

  /** Forks the launcher now if it is not running (so the first ffmpeg start does not). */
  warm(): void {
    if (this.proc || this.losses >= LAUNCHER_LOSSES_MAX) return;
    let proc: ChildProcess;
    try {
      const { path, execArgv } = childModule();
      const env = { ...process.env };
      delete env.NODE_OPTIONS;
      proc = fork(path, [], {
        execArgv: [...execArgv, '--max-old-space-size=32', '--max-semi-space-size=1'],
        env,
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'json',
      });
    } catch (err) {
      this.lost(`could not be started (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    this.proc = proc;
    const gone = (why: string) => {
      if (this.proc !== proc) return;
      this.proc = null;
      this.lost(why);
    };
    proc.on('message', (msg: LauncherReply) => this.onReply(msg));
    // A fork that fails later (EAGAIN) says so with 'error' and no pid; other errors (a failed
    // send) end in 'exit' or in a run's own reply.
    proc.on('error', (err) => {
      if (proc.pid === undefined) gone(`could not be started (${err.message})`);
    });
    proc.once('exit', (code, signal) =>
      gone(signal ? `was killed by ${signal}` : `exited with code ${code}`),
    );
    // Neither the process nor its channel keeps the service running.
    proc.unref();
    proc.channel?.unref();
  }

  /**
   * Starts `bin args` in the launcher with `stdout` as its fd 1. Null when the launcher is not
   * available: spawn directly. `stdout` is the launcher's once this returns (Node closes the
   * service's copy after sending it).
   */
  launch(
    bin: string,
    args: readonly string[],
    stdout: Socket,
    handlers: RemoteHandlers,
  ): RemoteChild | null {
    this.warm();
    const proc = this.proc;
    if (!proc?.connected) return null;
    const id = this.nextId++;
    const run: Run = { handlers };
    this.runs.set(id, run);
    const req: LauncherRequest = { type: 'spawn', id, bin, args: [...args] };
    // An accepted socket (socket-pair.ts's child end) remembers its server, and Node's send()
    // then registers a socket list for that server with listeners on both processes: one more
    // for every one-shot server, that is for every ffmpeg start. The server is closed already.
    (stdout as { server?: unknown }).server = null;
    try {
      proc.send(req, stdout);
    } catch {
      this.runs.delete(id);
      return null;
    }
    return {
      kill: () => {
        if (this.proc === proc && proc.connected) {
          proc.send({ type: 'kill', id } satisfies LauncherRequest);
        } else if (run.pid !== undefined) killPid(run.pid);
      },
    };
  }

  /** Runs started and not yet ended (for tests). */
  get pending(): number {
    return this.runs.size;
  }

  /** The launcher's pid, when it runs (for tests). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  private onReply(msg: LauncherReply): void {
    const run = this.runs.get(msg.id);
    if (!run) return;
    if (msg.type === 'spawned') {
      run.pid = msg.pid;
      run.handlers.pid(msg.pid);
    } else if (msg.type === 'stderr') run.handlers.stderr(msg.text);
    else {
      this.runs.delete(msg.id);
      const spawnError = msg.spawnError
        ? Object.assign(new Error(msg.spawnError.message), { code: msg.spawnError.code })
        : undefined;
      run.handlers.exit({ code: msg.code, signal: msg.signal, spawnError });
    }
  }

  /** The launcher is gone: its children are killed by pid and end as killed. */
  private lost(why: string): void {
    this.losses++;
    const direct = this.losses >= LAUNCHER_LOSSES_MAX;
    logEvent(
      log,
      'ffmpeg_launcher_exited',
      `the ffmpeg launcher process ${why}; ${this.runs.size} ffmpeg run(s) stopped; ${direct ? 'ffmpeg is now started directly by the service' : 'it is started again for the next ffmpeg'}`,
      { losses: this.losses, direct },
    );
    for (const [id, run] of this.runs) {
      this.runs.delete(id);
      if (run.pid !== undefined) killPid(run.pid);
      run.handlers.stderr(`the ffmpeg launcher process ${why}`);
      run.handlers.exit({ code: null, signal: 'SIGKILL' });
    }
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** The service's launcher: one per process. */
export const launcher = new Launcher();

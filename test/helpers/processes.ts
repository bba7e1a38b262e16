/**
 * Real processes for integration tests: start on a free loopback port, stop by PID.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** A free TCP port on 127.0.0.1 (bind to 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port. */
export function waitForPort(port: number, host = '127.0.0.1', timeoutMs = 10_000): Promise<true> {
  return waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const sock = connect({ port, host });
        sock.once('connect', () => {
          sock.destroy();
          resolve(true);
        });
        sock.once('error', () => resolve(false));
      }),
    { timeoutMs, what: `port ${host}:${port}` },
  );
}

export function tempDir(prefix = 'adeline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Proc {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Sends a signal by PID and waits for the exit (SIGKILL after timeoutMs). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const running = new Set<Proc>();

export function startProcess(cmd: string, args: string[], opts: SpawnOptions = {}): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, sig) => resolve(code ?? sig ?? -1));
    child.once('error', (e) => {
      err += String(e);
      resolve(-1);
    });
  });
  const proc: Proc = {
    child,
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null && proc.pid > 0) {
        try {
          process.kill(proc.pid, signal);
        } catch {
          /* already gone */
        }
        const t = setTimeout(() => {
          try {
            process.kill(proc.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, timeoutMs);
        const code = await exited;
        clearTimeout(t);
        running.delete(proc);
        return code;
      }
      running.delete(proc);
      return exited;
    },
  };
  running.add(proc);
  return proc;
}

/** Stops every process still running (call from an after() hook). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL', 2000)));
}

export interface Mosquitto {
  port: number;
  proc: Proc;
  dir: string;
  stop(): Promise<void>;
}

/** Starts Debian's mosquitto on a free loopback port; `extraConf` lines are appended. */
export async function startMosquitto(extraConf: string[] = [], port?: number): Promise<Mosquitto> {
  const p = port ?? (await freePort());
  const dir = tempDir('adeline-mosq-');
  const conf = join(dir, 'mosquitto.conf');
  const hasListener = extraConf.some((l) => l.startsWith('listener'));
  const lines = [
    ...(hasListener ? [] : [`listener ${p} 127.0.0.1`, 'allow_anonymous true']),
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...extraConf,
  ];
  writeFileSync(conf, lines.join('\n') + '\n');
  const proc = startProcess('mosquitto', ['-c', conf]);
  await waitForPort(p);
  return { port: p, proc, dir, stop: async () => void (await proc.stop('SIGTERM', 3000)) };
}

/** Path of the Node 24 binary the project brings (node_modules/.bin/node), else process.execPath. */
export function nodeBin(): string {
  return join(REPO_ROOT, 'node_modules', '.bin', 'node');
}

/** Runs the built CLI (dist/) as a child process, like a user would. */
export function startAdeline(args: string[], opts: SpawnOptions = {}): Proc {
  return startProcess(join(REPO_ROOT, 'bin', 'adeline'), args, { cwd: REPO_ROOT, ...opts });
}

/** Writes a file under a temp dir and returns its path. */
export function writeTemp(name: string, content: string | Uint8Array, dir = tempDir()): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/**
 * The launcher process (launcher.ts starts it with an IPC channel): a small Node process that
 * starts ffmpeg for the service, so that the service never forks its own large address space
 * while frames flow. Messages (launcher-protocol.ts): `spawn` comes with the socket ffmpeg gets
 * as stdout; the replies are `spawned` (pid), `stderr` and `exit`. `kill` SIGKILLs one child.
 * When the channel closes (the service exited, however it exited), every child is SIGKILLed and
 * the launcher exits, so no ffmpeg outlives the service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { LauncherReply, LauncherRequest } from './launcher-protocol.js';

const children = new Map<number, ChildProcess>();

function send(reply: LauncherReply): void {
  if (process.connected) process.send?.(reply);
}

function start(req: Extract<LauncherRequest, { type: 'spawn' }>, stdout: Socket | undefined) {
  let child: ChildProcess;
  try {
    child = spawn(req.bin, req.args, { stdio: ['ignore', stdout ?? 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    send({ type: 'exit', id: req.id, code: null, signal: null, spawnError: errorOf(e) });
    return;
  } finally {
    // The child has its own copy; the service's reader sees the end once ffmpeg's closes.
    stdout?.destroy();
  }
  children.set(req.id, child);
  let ended = false;
  const end = (reply: Extract<LauncherReply, { type: 'exit' }>) => {
    if (ended) return;
    ended = true;
    children.delete(req.id);
    send(reply);
  };
  // A spawn failure (ENOENT) emits 'error' with no pid, and maybe 'close' after it.
  child.on('error', (err: NodeJS.ErrnoException) => {
    if (child.pid === undefined)
      end({ type: 'exit', id: req.id, code: null, signal: null, spawnError: errorOf(err) });
  });
  if (child.pid !== undefined) send({ type: 'spawned', id: req.id, pid: child.pid });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => send({ type: 'stderr', id: req.id, text }));
  child.once('close', (code, signal) => end({ type: 'exit', id: req.id, code, signal }));
}

function errorOf(e: NodeJS.ErrnoException): { code?: string; message: string } {
  return { ...(e.code ? { code: e.code } : {}), message: e.message };
}

process.on('message', (msg: LauncherRequest, handle?: unknown) => {
  if (msg.type === 'spawn') start(msg, handle as Socket | undefined);
  else if (msg.type === 'kill') children.get(msg.id)?.kill('SIGKILL');
});

process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});

/**
 * Real-ffmpeg fixtures for the source tests: tiny generated videos, an ffmpeg process serving a
 * live MPEG-TS stream over HTTP on a loopback port, and a fast reconnect policy.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launcher } from '../../src/source/ffmpeg/launcher.js';
import { RetryForeverPolicy } from '../../src/resilience/reconnect-policy.js';
import type { ReconnectPolicy } from '../../src/resilience/types.js';
import { startProcess, tempDir, type Proc } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

export const W = 160;
export const H = 120;

/** Generates a 160x120 testsrc video of `seconds` at `fps` and returns its path. */
export function makeVideo(
  name = 'clip.mp4',
  seconds = 2,
  fps = 10,
  dir = tempDir('adeline-ffmpeg-'),
): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${W}x${H}:rate=${fps}`,
    '-t',
    String(seconds),
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  return path;
}

/** Every frame of a file as ffmpeg itself decodes it to rgb24 (the golden reference). */
export function decodeAll(path: string): Buffer {
  return execFileSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

/** ffmpeg serving a live 10 fps testsrc as MPEG-TS at http://127.0.0.1:port/live.ts (one client). */
export async function startStreamServer(port: number): Promise<Proc> {
  const proc = startProcess('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${W}x${H}:rate=10`,
    '-c:v',
    'mpeg2video',
    '-g',
    '10',
    '-f',
    'mpegts',
    '-listen',
    '1',
    `http://127.0.0.1:${port}/live.ts`,
  ]);
  // Not waitForPort: a probe connection would be the server's one client. A client that connected
  // already (a reconnecting source is quick) closes the listening socket, so that counts too.
  await waitFor(() => isListening(port) || isServing(port) || proc.child.exitCode !== null, {
    timeoutMs: 10_000,
    what: `ffmpeg listening on ${port}`,
  });
  if (proc.child.exitCode !== null) throw new Error(`stream server exited: ${proc.stderr()}`);
  return proc;
}

/** Whether something listens on 127.0.0.1:port, read from /proc/net/tcp without connecting. */
export function isListening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .some((l) => {
      const f = l.trim().split(/\s+/);
      return f[1]?.endsWith(':' + hex) === true && f[3] === '0A';
    });
}

/** Whether a connection to local port `port` is established (the server has its client). */
export function isServing(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .some((l) => {
      const f = l.trim().split(/\s+/);
      return f[1]?.endsWith(':' + hex) === true && f[3] === '01';
    });
}

export const streamUrl = (port: number): string => `http://127.0.0.1:${port}/live.ts`;

/** The project's reconnect policy with short delays. */
export function fastReconnect(id: number): ReconnectPolicy {
  return new RetryForeverPolicy({ service: `source_${id}`, initialDelayMs: 100, maxDelayMs: 400 });
}

/** PIDs, states (`Z` = zombie) and names of the ffmpeg and ffprobe processes whose parent is one of `parents`. */
export function ffmpegProcessesUnder(
  parents: readonly number[],
): { pid: number; stat: string; comm: string }[] {
  const wanted = new Set(parents.map(String));
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat=,comm='])
    .toString()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p.length >= 4 && wanted.has(p[1]!) && (p[3] === 'ffmpeg' || p[3] === 'ffprobe'))
    .map((p) => ({ pid: Number(p[0]), stat: p[2]!, comm: p[3]! }));
}

/**
 * PIDs and states of the ffmpeg and ffprobe processes this process started: its children, and
 * the children of its ffmpeg launcher (src/source/ffmpeg/launcher.ts).
 */
export function ffmpegChildren(): { pid: number; stat: string }[] {
  const launcherPid = launcher.pid;
  return ffmpegProcessesUnder(
    launcherPid === undefined ? [process.pid] : [process.pid, launcherPid],
  ).map(({ pid, stat }) => ({ pid, stat }));
}

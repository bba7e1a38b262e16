/**
 * One ffmpeg run: spawns it, splits stdout into frames, hands them on, pauses stdout while a
 * non-live consumer is not asking (backpressure) and kills ffmpeg when a flowing stream sends
 * nothing for `dataTimeoutMs`. `done` always resolves, after the process has been reaped and its
 * output read to the end.
 *
 * stdout is a Unix socket read into one reused buffer (socket-pair.ts: no allocation per read).
 * If the pair cannot be made, the session falls back to a plain pipe and says so once.
 */
import type { Readable } from 'node:stream';
import type { Frame } from '../../domain/frame.js';
import { nowMs } from '../../domain/frame.js';
import { getLogger, logEvent } from '../../telemetry/logger.js';
import type { FrameHandoff } from '../frame-handoff.js';
import type { FramePool } from '../frame-pool.js';
import { ChildRun, type ProcessExit } from './ffmpeg-process.js';
import type { Launcher } from './launcher.js';
import { PpmFormatError, PpmStreamParser } from './ppm-parser.js';
import { openSocketPair, type SocketPair } from './socket-pair.js';

export type SessionEndKind = 'eof' | 'error' | 'timeout' | 'killed' | 'missing';

export interface SessionEnd {
  /** eof: ffmpeg exited 0; error: it failed or wrote no PPM; timeout: silent stream; killed: by us; missing: no binary. */
  kind: SessionEndKind;
  frames: number;
  /** ffmpeg's last stderr lines, or why the session ended. */
  message: string;
  cause?: unknown;
}

export interface SessionOptions {
  bin: string;
  args: readonly string[];
  handoff: FrameHandoff;
  pool: FramePool;
  /** Wraps decoded pixels into a Frame (the source numbers them). */
  makeFrame(data: Uint8Array, width: number, height: number, decodeStartMs: number): Frame;
  /** Called for every frame read, before it is handed on. */
  onFrame(): void;
  /** Kill ffmpeg when a flowing stream sends no byte for this long, ms; null: never. */
  dataTimeoutMs: number | null;
  /** Starts ffmpeg (launcher.ts); null or absent: the service spawns it itself. */
  launcher?: Launcher | null;
  /** Makes the stdout socket pair (tests replace it); default openSocketPair. */
  openPair?: (onBytes: (chunk: Uint8Array) => void) => Promise<SocketPair>;
}

export class FfmpegSession {
  readonly done: Promise<SessionEnd>;
  /** Resolves at the first frame; rejects with the SessionEnd if the run ends before one. */
  readonly firstFrame: Promise<void>;
  frames = 0;
  private run: ChildRun | null = null;
  /** What ffmpeg's frames are read from: our end of the socket pair, or the stdout pipe. */
  private out: Readable | null = null;
  private readonly parser: PpmStreamParser;
  private lastDataAt = Date.now();
  private endReason: { kind: SessionEndKind; message: string; cause?: unknown } | null = null;
  private watchdog: NodeJS.Timeout | undefined;
  private resolveFirst!: () => void;

  constructor(private readonly opts: SessionOptions) {
    let rejectFirst!: (e: SessionEnd) => void;
    this.firstFrame = new Promise<void>((resolve, reject) => {
      this.resolveFirst = resolve;
      rejectFirst = reject;
    });
    this.firstFrame.catch(() => {});
    this.parser = new PpmStreamParser(
      {
        alloc: (w, h) => opts.pool.acquire(w * h * 3),
        frame: (data, w, h, startedAt) => this.onFrame(data, w, h, startedAt),
      },
      nowMs,
    );
    this.done = this.start().then((exit) => {
      clearInterval(this.watchdog);
      this.parser.reset((buf) => opts.pool.release(buf));
      const end = this.describeEnd(exit.code, exit.signal, exit.spawnError);
      if (this.frames === 0) rejectFirst(end);
      return end;
    });
  }

  private async start(): Promise<ProcessExit> {
    let pair: SocketPair | null = null;
    try {
      pair = await (this.opts.openPair ?? openSocketPair)((chunk) => this.onData(chunk));
    } catch (err) {
      warnPipeFallback(err);
    }
    if (this.endReason) {
      pair?.reader.destroy();
      pair?.childEnd.destroy();
      return { code: null, signal: null };
    }
    const run = new ChildRun(this.opts.bin, this.opts.args, pair?.childEnd, this.opts.launcher);
    this.run = run;
    // The child has its own copy of the socket; ours is closed (never shut down) so that the
    // reader sees the end of the stream when ffmpeg exits. A socket sent to the launcher is
    // closed by Node once it is sent.
    if (!run.launched) pair?.childEnd.destroy();
    const out = pair ? pair.reader : run.stdout;
    this.out = out;
    if (out && !pair) out.on('data', (chunk: Buffer) => this.onData(chunk));
    out?.on('error', () => {});
    // The socket is not the child's stdio, so the child's 'close' does not wait for it: wait
    // for its end too, or the last frames still in the socket would be lost at EOF.
    const drained = pair
      ? new Promise<void>((resolve) => pair.reader.once('close', () => resolve()))
      : Promise.resolve();
    if (this.opts.dataTimeoutMs !== null) {
      const every = Math.max(50, Math.min(1000, this.opts.dataTimeoutMs / 4));
      this.watchdog = setInterval(() => this.checkSilence(), every);
      this.watchdog.unref();
    }
    this.pump();
    const exit = await run.exited;
    if (exit.spawnError) pair?.reader.destroy();
    await drained;
    return exit;
  }

  get pid(): number | undefined {
    return this.run?.pid;
  }

  /** Resumes stdout when the consumer wants frames, pauses it when it does not. */
  pump(): void {
    const out = this.out;
    if (!out || this.endReason) return;
    if (this.opts.handoff.wantsMore()) {
      if (out.isPaused()) {
        this.lastDataAt = Date.now();
        out.resume();
      }
    } else if (!out.isPaused()) {
      out.pause();
    }
  }

  /** Kills ffmpeg (by PID) and waits until it is reaped. */
  kill(kind: SessionEndKind = 'killed', message = 'stopped'): Promise<SessionEnd> {
    this.endReason ??= { kind, message };
    void this.run?.kill();
    this.out?.destroy();
    return this.done;
  }

  stderrTail(): string {
    return this.run?.stderrTail() ?? '';
  }

  private onData(chunk: Uint8Array): void {
    this.lastDataAt = Date.now();
    if (this.endReason) return;
    try {
      this.parser.push(chunk);
    } catch (err) {
      const message = err instanceof PpmFormatError ? err.message : String(err);
      void this.kill('error', `unexpected ffmpeg output: ${message}`);
      return;
    }
    this.pump();
  }

  private onFrame(data: Uint8Array, width: number, height: number, startedAt: number): void {
    this.frames++;
    this.opts.onFrame();
    this.opts.handoff.push(this.opts.makeFrame(data, width, height, startedAt));
    if (this.frames === 1) this.resolveFirst();
  }

  private checkSilence(): void {
    const out = this.out;
    if (this.endReason || !out || out.isPaused() || this.opts.dataTimeoutMs === null) return;
    const silent = Date.now() - this.lastDataAt;
    if (silent > this.opts.dataTimeoutMs) void this.kill('timeout', `no data for ${silent} ms`);
  }

  private describeEnd(code: number | null, signal: string | null, spawnError?: Error): SessionEnd {
    const stderr = this.stderrTail();
    if (spawnError) {
      const kind = (spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'error';
      return { kind, frames: this.frames, message: spawnError.message, cause: spawnError };
    }
    if (this.endReason) {
      const { kind, message } = this.endReason;
      const text = kind === 'killed' || !stderr ? message : `${message}: ${stderr}`;
      return { kind, frames: this.frames, message: text };
    }
    if (code === 0) return { kind: 'eof', frames: this.frames, message: stderr };
    return {
      kind: 'error',
      frames: this.frames,
      message: stderr || `ffmpeg exited with ${code ?? signal}`,
    };
  }
}

let warnedPipeFallback = false;

/** Once per process: the socket pair could not be made, frames are read from a pipe. */
function warnPipeFallback(err: unknown): void {
  if (warnedPipeFallback) return;
  warnedPipeFallback = true;
  logEvent(
    getLogger('source'),
    'ffmpeg_socket_fallback',
    `could not connect a Unix socket pair for ffmpeg output (${err instanceof Error ? err.message : String(err)}); reading it from a pipe instead`,
  );
}

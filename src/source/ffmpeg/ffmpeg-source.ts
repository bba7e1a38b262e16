/**
 * A FrameSource backed by Debian's ffmpeg: video files, RTSP and HTTP (and TCP/UDP/RTMP/SRT)
 * streams. Frames are copied into reused buffers (FramePool). Files deliver every frame in order
 * and end cleanly (or loop); streams keep only the latest frame and reconnect forever through
 * the injected ReconnectPolicy when they die. seq keeps counting across loops and reconnects.
 */
import { AdelineError } from '../../domain/errors.js';
import { nowMs, type Frame } from '../../domain/frame.js';
import { getLogger, logEvent } from '../../telemetry/logger.js';
import { FrameHandoff } from '../frame-handoff.js';
import { FramePool, PooledFrame } from '../frame-pool.js';
import type { FrameSource, SourceKind, SourceStatus } from '../frame-source.js';
import { SourceMonitor } from '../source-monitor.js';
import { classifySourceUrl, redactText } from '../url.js';
import { buildFfmpegArgs, ffmpegInput, type FfmpegInput } from './ffmpeg-args.js';
import { checkFfmpeg, checkVideoFile, sessionFailure } from './ffmpeg-errors.js';
import { FfmpegSession, type SessionEnd } from './ffmpeg-session.js';
import { runStreamLoop } from './stream-loop.js';
import type { FfmpegVersion } from './ffmpeg-version.js';
import {
  type FfmpegSourceOptions,
  resolveOptions,
  type ResolvedOptions,
} from './ffmpeg-source-options.js';
import { probeFile, type ProbeResult } from './probe.js';

export type { FfmpegSourceOptions } from './ffmpeg-source-options.js';

const log = getLogger('source');

export class FfmpegSource implements FrameSource {
  readonly id: number;
  readonly kind: SourceKind;
  readonly live: boolean;
  readonly description: string;
  onDrop?: () => void;
  private readonly o: ResolvedOptions;
  private readonly input: FfmpegInput;
  private readonly monitor: SourceMonitor;
  private readonly handoff: FrameHandoff;
  private readonly pool = new FramePool();
  private readonly abort = new AbortController();
  private session: FfmpegSession | null = null;
  private runner: Promise<void> | null = null;
  private probed: ProbeResult | null = null;
  private ffmpegVersion: FfmpegVersion | null = null;
  private failure: AdelineError | null = null;
  private settleFirst: (err?: AdelineError) => void = () => {};
  private seq = 0;
  private starting: Promise<void> | null = null;

  constructor(options: FfmpegSourceOptions) {
    this.o = resolveOptions(options);
    const c = classifySourceUrl(this.o.url, this.o.cwd);
    if (c.kind === 'synthetic')
      throw new TypeError('FfmpegSource cannot read synthetic:; use SyntheticSource');
    this.id = this.o.id;
    this.kind = c.kind;
    this.description = c.description;
    this.live = this.o.live ?? c.kind === 'stream';
    if (c.kind === 'stream' && !this.o.reconnectPolicy) {
      throw new TypeError(`source ${this.id}: a stream source needs a reconnectPolicy`);
    }
    this.input = ffmpegInput(c, this.o, this.live);
    this.monitor = new SourceMonitor({
      sourceId: this.id,
      description: this.description,
      stallFactor: this.o.stallFactor,
      stallMinMs: this.o.stallMinMs,
      expectedFps: () => this.nominalFps(),
    });
    this.handoff = new FrameHandoff(this.live, {
      drop: () => this.dropped(),
      demand: () => this.session?.pump(),
      ready: (waiting) => this.monitor.setReady(waiting),
    });
  }

  nominalFps(): number | null {
    return this.probed?.fps ?? this.monitor.rateFps();
  }

  /** Size and fps from ffprobe (files only; null for streams or before start). */
  probe(): ProbeResult | null {
    return this.probed;
  }

  /** The error that ended or is holding back this source (also in status().lastError). */
  lastFailure(): AdelineError | null {
    return this.failure;
  }

  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  next(): Promise<Frame | null> {
    return this.handoff.next();
  }

  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort(new Error(`source ${this.id} stopped`));
    this.handoff.close();
    await this.session?.kill();
    await this.runner;
    this.monitor.stop();
  }

  status(): SourceStatus {
    return this.monitor.status();
  }

  /** The frame loop reports pause so the state reads `paused`, not backpressured. */
  setPaused(paused: boolean): void {
    this.monitor.setPaused(paused);
  }

  private async doStart(): Promise<void> {
    if (this.abort.signal.aborted)
      throw new AdelineError(
        'ADELINE_ERR_LIFECYCLE',
        `source ${this.id} was stopped before it started; create a new source to start again`,
      );
    this.monitor.start();
    // Forked once now, so that later ffmpeg starts (loops, reconnects) do not fork the service.
    this.o.launcher?.warm();
    try {
      this.ffmpegVersion = await checkFfmpeg(this.o.ffmpegPath);
      if (this.input.kind === 'file') {
        await checkVideoFile(this.input.target);
        this.probed = await probeFile(this.input.target, this.o.ffprobePath, this.o.probeTimeoutMs);
      }
    } catch (err) {
      this.fail(err as AdelineError);
      this.monitor.stop();
      throw err;
    }
    if (this.input.kind === 'file') {
      this.runner = this.runFile();
      return;
    }
    const first = new Promise<void>((ok, no) => (this.settleFirst = (e) => (e ? no(e) : ok())));
    first.catch(() => {});
    this.runner = this.runStream();
    if (this.o.failFast) {
      try {
        await first;
      } catch (err) {
        this.fail(err as AdelineError);
        await this.stop();
        throw err;
      }
    }
  }

  private openSession(dataTimeoutMs: number | null): FfmpegSession {
    const s = new FfmpegSession({
      bin: this.o.ffmpegPath,
      args: buildFfmpegArgs(this.input, this.ffmpegVersion),
      handoff: this.handoff,
      pool: this.pool,
      launcher: this.o.launcher,
      makeFrame: (data, w, h, start) =>
        new PooledFrame(this.pool, this.id, ++this.seq, w, h, data, nowMs(), start),
      onFrame: () => {
        this.monitor.frameRead();
        if (this.monitor.getPhase() !== 'active') this.monitor.setPhase('active');
      },
      dataTimeoutMs,
    });
    this.session = s;
    return s;
  }

  private async runFile(): Promise<void> {
    for (;;) {
      const end = await this.openSession(null).done;
      this.session = null;
      if (this.abort.signal.aborted) return;
      if (end.kind === 'eof' && this.o.loop && end.frames > 0) continue;
      this.handoff.end();
      if (end.kind === 'eof' && end.frames > 0) this.monitor.setPhase('ended');
      else this.fail(this.toError(end));
      return;
    }
  }

  private runStream(): Promise<void> {
    return runStreamLoop({
      policy: this.o.reconnectPolicy!,
      signal: this.abort.signal,
      connectTimeoutMs: this.o.connectTimeoutMs,
      open: () => this.openSession(this.o.ioTimeoutMs + 1000),
      toError: (end) => this.toError(end),
      onReconnectAttempt: () => this.monitor.reconnectAttempt(),
      onConnected: () => {
        this.failure = null;
        this.settleFirst();
      },
      onConnectFailed: (err) => {
        this.failure = err;
        this.settleFirst(err);
        this.monitor.setPhase('reconnecting', err.message);
      },
      onLost: (err, end) => {
        this.session = null;
        this.failure = err;
        this.monitor.setPhase('reconnecting', err.message);
        logEvent(log, 'source_reconnecting', `source ${this.id}: ${err.message}; reconnecting`, {
          source_id: this.id,
          source: this.description,
          error: err.message,
          frames: end.frames,
        });
      },
    });
  }

  private toError(end: SessionEnd): AdelineError {
    return sessionFailure(end, {
      kind: this.input.kind,
      description: this.description,
      bin: this.o.ffmpegPath,
      redact: (t) => (this.input.kind === 'stream' ? redactText(t, this.input.target) : t),
    });
  }

  private fail(err: AdelineError): void {
    this.failure = err;
    this.handoff.end();
    this.monitor.setPhase('failed', err.message);
  }

  private dropped(): void {
    try {
      this.onDrop?.();
    } catch {
      /* the frame loop's counter never breaks the reader */
    }
  }
}

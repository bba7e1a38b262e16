/**
 * The frame loop: one loop per source feeding the frame handler. Each loop waits for its max_fps
 * turn, then for an in-flight slot (fair, FIFO across sources; the loop owns the slots), then
 * takes the source's freshest frame (live: latest wins) or its next frame (files: every frame, in
 * order) and hands it over; the slot is freed when the handler is done with the frame.
 * Frames a live source replaces meanwhile are counted as dropped with the reason the loop was
 * waiting for: `max_fps`, `backpressure` or `paused`.
 */
import type { Frame } from '../domain/frame.js';
import { describeError } from '../domain/errors.js';
import type { SourceStatus } from '../source/frame-source.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { AdmissionQueue } from './admission-queue.js';
import { systemClock, type Clock } from './clock.js';
import { DropCounter, type DropCounts, type DropReason } from './drop-counter.js';
import {
  isPauseAware,
  validateFrameLoopOptions,
  type FrameLoopOptions,
  type ScheduledSource,
} from './frame-loop-options.js';
import { RateLimiter } from './rate-limiter.js';
import { takeFrame } from './take-frame.js';

export type { FrameHandler, FrameLoopOptions, ScheduledSource } from './frame-loop-options.js';

const log = getLogger('scheduler');
const pipelineLog = getLogger('pipeline');

type Waiting = 'max_fps' | 'backpressure' | 'none';

export class FrameLoop {
  private readonly opts: FrameLoopOptions;
  private readonly clock: Clock;
  private readonly drops = new DropCounter();
  private readonly slots: AdmissionQueue;
  private readonly abort = new AbortController();
  private pausedFlag = false;
  private resumeWaiters: (() => void)[] = [];
  private loops: Promise<'ended' | 'stopped'>[] = [];
  private doneP: Promise<void> | null = null;
  private admitted = 0;
  private readonly delivered = new Map<number, number>();
  private finished = 0;
  private lastFrameAtMs: number | null = null;
  private limitFired = false;

  constructor(opts: FrameLoopOptions) {
    validateFrameLoopOptions(opts);
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.slots = new AdmissionQueue(opts.maxInFlight);
  }

  /** Starts one loop per source (sources must already be started). */
  start(): void {
    if (this.doneP) return;
    this.loops = this.opts.sources.map((s) => this.runLoop(s));
    this.doneP = Promise.all(this.loops).then((results) => {
      if (!this.abort.signal.aborted && results.every((r) => r === 'ended')) this.opts.onEnded?.();
    });
  }

  /** Resolves when every loop has finished (ended, or stopped). */
  done(): Promise<void> {
    return this.doneP ?? Promise.resolve();
  }

  pause(): void {
    if (this.pausedFlag) return;
    this.pausedFlag = true;
    for (const { source } of this.opts.sources) if (isPauseAware(source)) source.setPaused(true);
    logEvent(pipelineLog, 'pipeline_paused', 'pipeline paused');
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    for (const { source } of this.opts.sources) if (isPauseAware(source)) source.setPaused(false);
    for (const w of this.resumeWaiters.splice(0)) w();
    logEvent(pipelineLog, 'pipeline_resumed', 'pipeline resumed');
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Stops taking frames (idempotent); frames in flight go on. The app stops the sources after. */
  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort();
    for (const w of this.resumeWaiters.splice(0)) w();
    await this.done();
  }

  /** Waits until every frame in flight has finished, up to timeoutMs; returns whether it drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.slots.inUse() > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const left = this.slots.inUse();
    if (left > 0) addMetric('framesDropped', left, { source_id: -1, reason: 'shutdown' });
    return left === 0;
  }

  /** Whether more frames are wanted (false once frameLimit frames were handed over). */
  wantsMore(): boolean {
    return this.opts.frameLimit === undefined || this.admitted < this.opts.frameLimit;
  }

  /** Frames dropped by reason, for one source or all. */
  dropped(sourceId?: number): DropCounts {
    return sourceId === undefined ? this.drops.total() : this.drops.of(sourceId);
  }

  /** The source's status, reading `paused` while the loop is paused. */
  sourceStatus(sourceId: number): SourceStatus {
    const entry = this.opts.sources.find((s) => s.source.id === sourceId);
    if (!entry) throw new RangeError(`no source with id ${sourceId}`);
    const s = entry.source.status();
    const active = s.state === 'delivering' || s.state === 'backpressured' || s.state === 'stalled';
    return this.pausedFlag && active ? { ...s, state: 'paused' } : s;
  }

  /** Frames of one source handed to the pipeline so far. */
  deliveredCount(sourceId: number): number {
    return this.delivered.get(sourceId) ?? 0;
  }

  /** Frames holding a slot now. */
  inFlight(): number {
    return this.slots.inUse();
  }

  finishedCount(): number {
    return this.finished;
  }

  /** Epoch ms when the last frame finished, or null. */
  lastFrameAt(): number | null {
    return this.lastFrameAtMs;
  }

  private waitResume(): Promise<void> {
    return new Promise((resolve) => this.resumeWaiters.push(resolve));
  }

  private async runLoop({ source, maxFps }: ScheduledSource): Promise<'ended' | 'stopped'> {
    const signal = this.abort.signal;
    const limiter = new RateLimiter(maxFps ?? this.opts.maxFps, this.clock);
    let waiting: Waiting = 'none';
    const reason = (): DropReason =>
      this.pausedFlag ? 'paused' : waiting === 'max_fps' ? 'max_fps' : 'backpressure';
    source.onDrop = () => this.drops.count(source.id, reason());
    try {
      while (!signal.aborted) {
        if (this.pausedFlag) {
          await this.waitResume();
          continue;
        }
        if (!this.wantsMore()) return 'stopped';
        waiting = 'max_fps';
        await limiter.wait(signal);
        waiting = 'backpressure';
        if (!(await this.slots.acquire(signal))) break;
        waiting = 'none';
        const frame = await takeFrame(
          source,
          signal,
          (err) => this.sourceError(source.id, err),
          () => this.drops.count(source.id, 'shutdown'),
        );
        if (!frame) {
          this.slots.release();
          if (signal.aborted) break;
          return 'ended';
        }
        if (this.pausedFlag && source.live) {
          this.discard(frame, 'paused');
          continue;
        }
        // A file frame taken just as the pipeline paused waits (with its slot) for resume.
        while (this.pausedFlag && !signal.aborted) await this.waitResume();
        if (signal.aborted) {
          this.discard(frame, 'shutdown');
          break;
        }
        limiter.mark();
        this.hand(frame);
      }
      return 'stopped';
    } finally {
      source.onDrop = undefined;
    }
  }

  /** Releases a frame that holds a slot but will not be processed, and counts the drop. */
  private discard(frame: Frame, reason: DropReason): void {
    frame.release();
    this.slots.release();
    this.drops.count(frame.sourceId, reason);
  }

  private sourceError(sourceId: number, err: unknown): void {
    const error = describeError(err);
    logEvent(
      log,
      'frame_processing_failed',
      `source ${sourceId} failed to give a frame: ${error}`,
      {
        source_id: sourceId,
        error,
      },
    );
  }

  private hand(frame: Frame): void {
    if (!this.wantsMore()) {
      frame.release();
      this.slots.release();
      return;
    }
    let running: Promise<unknown>;
    try {
      running = this.opts.handler.process(frame);
    } catch (err) {
      this.discard(frame, 'error');
      const error = describeError(err);
      logEvent(
        log,
        'frame_processing_failed',
        `frame ${frame.seq} of source ${frame.sourceId} was rejected: ${error}`,
        { source_id: frame.sourceId, seq: frame.seq, error },
      );
      return;
    }
    this.admitted++;
    this.delivered.set(frame.sourceId, (this.delivered.get(frame.sourceId) ?? 0) + 1);
    setGauge('inFlight', this.slots.inUse());
    void running.catch(() => undefined).then(() => this.finish());
  }

  private finish(): void {
    this.finished++;
    this.lastFrameAtMs = Date.now();
    this.slots.release();
    setGauge('inFlight', this.slots.inUse());
    const limit = this.opts.frameLimit;
    if (limit !== undefined && this.finished >= limit && !this.limitFired) {
      this.limitFired = true;
      this.opts.onLimitReached?.();
    }
  }
}

/**
 * The scheduler: one loop per source feeding the pipeline. Each loop waits for its max_fps turn,
 * then for a pipeline slot (fair, FIFO across sources), then takes the source's freshest frame
 * (live: latest wins) or its next frame (files: every frame, in order) and hands it to `process`.
 * Frames a live source replaces meanwhile are counted as dropped with the reason the loop was
 * waiting for: `max_fps`, `backpressure` or `paused`.
 */
import type { Frame } from '../domain/frame.js';
import { describeError } from '../domain/errors.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { AdmissionQueue } from './admission-queue.js';
import { systemClock, type Clock } from './clock.js';
import { DropCounter, type DropCounts } from './drop-counter.js';
import type { DropReason, FrameSource, SourceStatus } from './frame-source.js';
import { RateLimiter } from './rate-limiter.js';
import { takeFrame } from './take-frame.js';
import {
  isPauseAware,
  validateSchedulerOptions,
  type ScheduledSource,
  type SchedulerOptions,
} from './scheduler-options.js';

export type { PauseAware, ScheduledSource, SchedulerOptions } from './scheduler-options.js';

const log = getLogger('scheduler');

type Waiting = 'max_fps' | 'backpressure' | 'none';

export class Scheduler {
  private readonly opts: SchedulerOptions;
  private readonly clock: Clock;
  private readonly drops = new DropCounter();
  private readonly queue: AdmissionQueue;
  private readonly abort = new AbortController();
  private readonly delivered = new Map<number, number>();
  private pausedFlag = false;
  private resumeWaiters: (() => void)[] = [];
  private loops: Promise<'ended' | 'stopped'>[] = [];
  private doneP: Promise<void> | null = null;

  constructor(opts: SchedulerOptions) {
    validateSchedulerOptions(opts);
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.queue = new AdmissionQueue(opts.admit, opts.cancelAdmission, (err) =>
      logEvent(log, 'frame_processing_failed', `admission failed: ${describeError(err)}`, {
        error: describeError(err),
      }),
    );
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
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    for (const { source } of this.opts.sources) if (isPauseAware(source)) source.setPaused(false);
    for (const w of this.resumeWaiters.splice(0)) w();
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Stops every loop (idempotent). Does not stop the sources: the app does, after this. */
  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort();
    for (const w of this.resumeWaiters.splice(0)) w();
    await this.done();
  }

  /** Frames dropped by reason, for one source or all. */
  dropped(sourceId?: number): DropCounts {
    return sourceId === undefined ? this.drops.total() : this.drops.of(sourceId);
  }

  /** Frames handed to `process` for one source. */
  deliveredCount(sourceId: number): number {
    return this.delivered.get(sourceId) ?? 0;
  }

  /** The source's status, reading `paused` while the scheduler is paused. */
  sourceStatus(sourceId: number): SourceStatus {
    const entry = this.opts.sources.find((s) => s.source.id === sourceId);
    if (!entry) throw new RangeError(`no source with id ${sourceId}`);
    const s = entry.source.status();
    const active = s.state === 'delivering' || s.state === 'backpressured' || s.state === 'stalled';
    return this.pausedFlag && active ? { ...s, state: 'paused' } : s;
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
        if (this.opts.wantsMore && !this.opts.wantsMore()) return 'stopped';
        waiting = 'max_fps';
        await limiter.wait(signal);
        waiting = 'backpressure';
        if (!(await this.queue.acquire(signal))) break;
        waiting = 'none';
        const frame = await takeFrame(
          source,
          signal,
          (err) => this.sourceError(source, err),
          () => this.drops.count(source.id, 'shutdown'),
        );
        if (!frame) {
          this.opts.cancelAdmission();
          if (signal.aborted) break;
          return 'ended';
        }
        if (this.pausedFlag && source.live) {
          frame.release();
          this.opts.cancelAdmission();
          this.drops.count(source.id, 'paused');
          continue;
        }
        // A file frame taken just as the pipeline paused waits (with its slot) for resume.
        while (this.pausedFlag && !signal.aborted) await this.waitResume();
        if (signal.aborted) {
          frame.release();
          this.opts.cancelAdmission();
          this.drops.count(source.id, 'shutdown');
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

  private sourceError(source: FrameSource, err: unknown): void {
    logEvent(
      log,
      'frame_processing_failed',
      `source ${source.id} failed to give a frame: ${describeError(err)}`,
      {
        source_id: source.id,
        error: describeError(err),
      },
    );
  }

  private hand(frame: Frame): void {
    this.delivered.set(frame.sourceId, (this.delivered.get(frame.sourceId) ?? 0) + 1);
    try {
      this.opts.process(frame);
    } catch (err) {
      frame.release();
      this.opts.cancelAdmission();
      this.drops.count(frame.sourceId, 'error');
      logEvent(
        log,
        'frame_processing_failed',
        `frame ${frame.seq} of source ${frame.sourceId} was rejected: ${describeError(err)}`,
        {
          source_id: frame.sourceId,
          seq: frame.seq,
          error: describeError(err),
        },
      );
    }
  }
}

/**
 * The pipeline: the frame loop (pacing, admission, in-flight slots, latest wins, drop accounting)
 * feeding the frame processor (roi → preprocess → inference → postprocess → stabilise → publish).
 * Frame N+1 is prepared while frame N is in the worker: the loop admits up to max_in_flight frames
 * and never waits for one to finish before taking the next. The app builds one Pipeline and talks
 * to it alone.
 */
import type { DropCounts } from './drop-counter.js';
import { FrameLoop, type FrameLoopOptions } from './frame-loop.js';
import { FrameProcessor, type FrameProcessorDeps } from './frame-processor.js';
import type { PreparedLike, RawOutputLike } from './ports.js';
import { RunStats } from './run-stats.js';
import type { SourceStatus } from '../source/frame-source.js';

export interface PipelineOptions<P extends PreparedLike, R extends RawOutputLike>
  extends Omit<FrameProcessorDeps<P, R>, 'stats' | 'isPaused'>, Omit<FrameLoopOptions, 'handler'> {}

export class Pipeline<P extends PreparedLike, R extends RawOutputLike> {
  readonly stats = new RunStats();
  private readonly loop: FrameLoop;

  constructor(opts: PipelineOptions<P, R>) {
    const processor = new FrameProcessor<P, R>({
      ...opts,
      stats: this.stats,
      isPaused: () => this.loop.paused,
    });
    this.loop = new FrameLoop({ ...opts, handler: processor });
  }

  /** Starts taking frames from the sources (they must already be started). */
  start(): void {
    this.loop.start();
  }

  /** Stops taking frames (idempotent); frames in flight go on until drain(). */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Waits until every frame in flight has finished, up to timeoutMs; returns whether it drained. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.loop.drain(timeoutMs);
  }

  pause(): void {
    this.loop.pause();
  }

  resume(): void {
    this.loop.resume();
  }

  isPaused(): boolean {
    return this.loop.paused;
  }

  /** A source's status, reading `paused` while the pipeline is paused. */
  sourceStatus(sourceId: number): SourceStatus {
    return this.loop.sourceStatus(sourceId);
  }

  /** Frames dropped before processing, by reason, for one source or all. */
  dropped(sourceId?: number): DropCounts {
    return this.loop.dropped(sourceId);
  }

  /** Frames of one source handed to the frame processor so far. */
  deliveredCount(sourceId: number): number {
    return this.loop.deliveredCount(sourceId);
  }

  inFlight(): number {
    return this.loop.inFlight();
  }

  finishedCount(): number {
    return this.loop.finishedCount();
  }

  lastFrameAt(): number | null {
    return this.loop.lastFrameAt();
  }
}

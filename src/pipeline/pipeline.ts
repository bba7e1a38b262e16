/**
 * The frame loop's core: admits frames into a bounded number of slots, runs each through the
 * FrameProcessor without blocking the next one (frame N+1 is prepared while frame N is in the
 * worker), tracks pause state and drains in-flight frames on stop.
 */
import type { Frame } from '../domain/frame.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { FrameProcessor, type FrameProcessorDeps, type FrameOutcome } from './frame-processor.js';
import type { PreparedLike, RawOutputLike } from './ports.js';
import { RunStats } from './run-stats.js';
import { Semaphore } from './semaphore.js';

const log = getLogger('pipeline');

export interface PipelineOptions<P extends PreparedLike, R extends RawOutputLike> extends Omit<
  FrameProcessorDeps<P, R>,
  'stats' | 'isPaused'
> {
  /** Frames processed at once (config pipeline.max_in_flight). */
  maxInFlight: number;
  /** Stop after this many frames have finished (adeline run --frames); undefined = no limit. */
  frameLimit?: number | undefined;
  /** Called once when frameLimit is reached. */
  onLimitReached?: () => void;
}

export class Pipeline<P extends PreparedLike, R extends RawOutputLike> {
  readonly stats = new RunStats();
  private readonly slots: Semaphore;
  private readonly processor: FrameProcessor<P, R>;
  private paused = false;
  private admitted = 0;
  private finished = 0;
  private lastFrameAtMs: number | null = null;
  private limitFired = false;

  constructor(private readonly opts: PipelineOptions<P, R>) {
    this.slots = new Semaphore(opts.maxInFlight);
    this.processor = new FrameProcessor<P, R>({
      ...opts,
      stats: this.stats,
      isPaused: () => this.paused,
    });
  }

  /** Waits for a free slot. The scheduler calls it before taking a frame (latest wins). */
  admit(): Promise<void> {
    return this.slots.acquire();
  }

  /** Whether more frames are wanted (false once --frames is reached). */
  wantsMore(): boolean {
    return this.opts.frameLimit === undefined || this.admitted < this.opts.frameLimit;
  }

  /** Takes ownership of an admitted frame; releases its slot when done. */
  submit(frame: Frame): void {
    if (!this.wantsMore()) {
      frame.release();
      this.slots.release();
      return;
    }
    this.admitted++;
    setGauge('inFlight', this.slots.inUse());
    void this.processor
      .process(frame)
      .catch((): FrameOutcome => 'failed')
      .then(() => {
        this.finished++;
        this.lastFrameAtMs = Date.now();
        this.slots.release();
        setGauge('inFlight', this.slots.inUse());
        const limit = this.opts.frameLimit;
        if (limit !== undefined && this.finished >= limit && !this.limitFired) {
          this.limitFired = true;
          this.opts.onLimitReached?.();
        }
      });
  }

  /** Gives back a slot that was admitted but got no frame (source ended or stopped). */
  cancelAdmission(): void {
    this.slots.release();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    logEvent(log, 'pipeline_paused', 'pipeline paused');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    logEvent(log, 'pipeline_resumed', 'pipeline resumed');
  }

  isPaused(): boolean {
    return this.paused;
  }

  inFlight(): number {
    return this.slots.inUse();
  }

  finishedCount(): number {
    return this.finished;
  }

  lastFrameAt(): number | null {
    return this.lastFrameAtMs;
  }

  /** Waits until every admitted frame has finished, up to timeoutMs; returns whether it drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.slots.inUse() > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const drained = this.slots.inUse() === 0;
    if (!drained)
      addMetric('framesDropped', this.slots.inUse(), { source_id: -1, reason: 'shutdown' });
    return drained;
  }
}

import type { Frame } from '../../domain/frame.js';
import { nowMs } from '../../domain/frame.js';
import { FrameHandoff } from '../frame-handoff.js';
import type { FrameSource, SourceStatus } from '../frame-source.js';
import { FramePool, PooledFrame } from '../frame-pool.js';
import { SourceMonitor } from '../source-monitor.js';
import { SyntheticScene, type TruthBox } from './scene.js';
import { validateSceneOptions, type SceneOptions } from './scene-options.js';

export interface SyntheticSourceOptions extends SceneOptions {
  /** Source id (config `pipeline.sources[].id`), an integer >= 0. */
  readonly id: number;
  /**
   * true: a timer renders frames at `fps` like a camera and only the latest untaken frame is kept.
   * false: next() renders the next frame on demand (benchmarks, tests).
   */
  readonly live: boolean;
  /** How many recent frames truthOf() remembers (default 64). */
  readonly truthHistory?: number;
  /** health.stall_factor (default 5): see SourceMonitor. */
  readonly stallFactor?: number;
  /** health.stall_min_ms (default 2000): see SourceMonitor. */
  readonly stallMinMs?: number;
}

/**
 * The built-in synthetic scene as a FrameSource (the default source). Frames are rendered into
 * pooled buffers that `frame.release()` gives back; the pool grows only while every buffer is held.
 * Live, a timer renders like a camera into a FrameHandoff (latest wins); the state, fps and
 * frames-read telemetry come from a SourceMonitor, as for ffmpeg sources.
 */
export class SyntheticSource implements FrameSource {
  readonly kind = 'synthetic' as const;
  readonly id: number;
  readonly live: boolean;
  readonly description: string;
  onDrop?: () => void;

  private readonly scene: SyntheticScene;
  private readonly fps: number;
  private readonly bytes: number;
  private readonly pool = new FramePool();
  private readonly truths = new Map<number, TruthBox[]>();
  private readonly truthHistory: number;
  private seq = 0;
  private readonly monitor: SourceMonitor;
  private readonly handoff: FrameHandoff;
  private timer: NodeJS.Timeout | null = null;
  private startedAtMs = 0;
  private ticks = 0;

  constructor(opts: SyntheticSourceOptions) {
    validateSceneOptions('SyntheticSource', opts);
    if (typeof opts.id !== 'number') throw new TypeError('SyntheticSource: id must be a number');
    if (!Number.isInteger(opts.id) || opts.id < 0) {
      throw new RangeError(`SyntheticSource: id must be an integer >= 0, got ${opts.id}`);
    }
    if (typeof opts.live !== 'boolean')
      throw new TypeError('SyntheticSource: live must be a boolean');
    const history = opts.truthHistory ?? 64;
    if (!Number.isInteger(history) || history < 1 || history > 100_000) {
      throw new RangeError(
        `SyntheticSource: truthHistory must be an integer in 1..100000, got ${history}`,
      );
    }
    this.id = opts.id;
    this.live = opts.live;
    this.fps = opts.fps;
    this.truthHistory = history;
    this.bytes = opts.width * opts.height * 3;
    this.scene = new SyntheticScene(opts);
    this.description = `synthetic:seed=${opts.seed} ${opts.width}x${opts.height}@${opts.fps}fps`;
    this.monitor = new SourceMonitor({
      sourceId: this.id,
      description: this.description,
      stallFactor: opts.stallFactor ?? 5,
      stallMinMs: opts.stallMinMs ?? 2000,
      expectedFps: () => this.fps,
    });
    this.handoff = new FrameHandoff(true, {
      drop: () => this.onDrop?.(),
      demand: () => {},
      ready: (waiting) => this.monitor.setReady(waiting),
    });
  }

  nominalFps(): number {
    return this.fps;
  }

  start(): Promise<void> {
    if (this.monitor.getPhase() !== 'connecting') return Promise.resolve();
    this.monitor.start();
    this.monitor.setPhase('active');
    if (this.live) {
      this.startedAtMs = performance.now();
      this.produceLive();
    } else this.monitor.setReady(true);
    return Promise.resolve();
  }

  next(): Promise<Frame | null> {
    if (this.live) return this.handoff.next();
    if (this.monitor.getPhase() === 'ended') return Promise.resolve(null);
    // A non-live scene always has its next frame ready: the time it waits to be taken reads
    // backpressured, like a file's read-ahead frame.
    this.monitor.setReady(false);
    const frame = this.produce();
    this.monitor.setReady(true);
    return Promise.resolve(frame);
  }

  stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.handoff.close();
    this.monitor.setReady(false);
    if (this.monitor.getPhase() !== 'ended') this.monitor.setPhase('ended');
    this.monitor.stop();
    return Promise.resolve();
  }

  status(): SourceStatus {
    return this.monitor.status();
  }

  /** The frame loop reports pause so the state reads `paused`, not backpressured. */
  setPaused(paused: boolean): void {
    this.monitor.setPaused(paused);
  }

  /** Ground truth of the frame with this seq (kept for the last `truthHistory` frames). */
  truthOf(seq: number): TruthBox[] | undefined {
    return this.truths.get(seq);
  }

  /** Renders the next frame into a pooled buffer. Frame seq n shows scene frame n - 1. */
  private produce(): Frame {
    const decodeStartMs = nowMs();
    if (this.seq > 0) this.scene.step();
    const data = this.pool.acquire(this.bytes);
    this.scene.renderInto(data);
    this.seq++;
    this.truths.set(this.seq, this.scene.truth());
    this.truths.delete(this.seq - this.truthHistory);
    this.monitor.frameRead();
    const { width, height } = this.scene;
    return new PooledFrame(
      this.pool,
      this.id,
      this.seq,
      width,
      height,
      data,
      nowMs(),
      decodeStartMs,
    );
  }

  /** One live tick: render and hand over (latest wins). */
  private produceLive(): void {
    this.handoff.push(this.produce());
    this.scheduleLive();
  }

  private scheduleLive(): void {
    const period = 1000 / this.fps;
    const now = performance.now();
    this.ticks++;
    let due = this.startedAtMs + this.ticks * period;
    if (due < now - period) {
      // far behind (a blocked event loop): skip the missed ticks instead of bursting
      this.ticks = Math.floor((now - this.startedAtMs) / period) + 1;
      due = this.startedAtMs + this.ticks * period;
    }
    this.timer = setTimeout(() => this.produceLive(), Math.max(0, due - now));
  }
}

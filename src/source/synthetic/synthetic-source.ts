import type { Frame } from '../../domain/frame.js';
import { nowMs } from '../../domain/frame.js';
import { addMetric, setGauge } from '../../telemetry/metrics.js';
import {
  SOURCE_STATES,
  type FrameSource,
  type SourceState,
  type SourceStatus,
} from '../frame-source.js';
import { FpsMeter } from '../fps-meter.js';
import { FramePool, PooledFrame } from '../frame-pool.js';
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
}

/**
 * The built-in synthetic scene as a FrameSource (the default source). Frames are rendered into
 * pooled buffers that `frame.release()` gives back; the pool grows only while every buffer is held.
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
  private latest: Frame | null = null;
  private waiters: ((f: Frame | null) => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private startedAtMs = 0;
  private ticks = 0;
  private state: SourceState = 'connecting';
  private sinceMs = Date.now();
  private lastFrameAtMs: number | null = null;
  private paused = false;
  /** adeline_source_fps, adeline_source_state and adeline_frames_read_total, as SourceMonitor does. */
  private readonly meter = new FpsMeter();
  private readonly labels: { source_id: number };

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
    this.labels = { source_id: opts.id };
    this.live = opts.live;
    this.fps = opts.fps;
    this.truthHistory = history;
    this.bytes = opts.width * opts.height * 3;
    this.scene = new SyntheticScene(opts);
    this.description = `synthetic:seed=${opts.seed} ${opts.width}x${opts.height}@${opts.fps}fps`;
  }

  nominalFps(): number {
    return this.fps;
  }

  start(): Promise<void> {
    if (this.state !== 'connecting') return Promise.resolve();
    this.setState(this.paused ? 'paused' : 'delivering');
    if (this.live) {
      this.startedAtMs = performance.now();
      this.produceLive();
    }
    return Promise.resolve();
  }

  next(): Promise<Frame | null> {
    if (this.state === 'ended') return Promise.resolve(null);
    if (!this.live) return Promise.resolve(this.produce());
    const f = this.latest;
    if (f !== null) {
      this.latest = null;
      if (this.state === 'backpressured') this.setState('delivering');
      return Promise.resolve(f);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.state !== 'ended') this.setState('ended');
    this.latest?.release();
    this.latest = null;
    setGauge('sourceFps', 0, this.labels);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(null);
    return Promise.resolve();
  }

  status(): SourceStatus {
    return {
      state: this.state,
      sinceMs: this.sinceMs,
      framesRead: this.seq,
      lastFrameAtMs: this.lastFrameAtMs,
      reconnects: 0,
    };
  }

  /** The scheduler reports pause so the state reads `paused`, not backpressured. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (this.state === 'ended' || this.state === 'connecting') return;
    this.setState(paused ? 'paused' : 'delivering');
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
    const at = nowMs();
    this.lastFrameAtMs = at;
    this.meter.mark(at);
    addMetric('framesRead', 1, this.labels);
    setGauge('sourceFps', this.meter.fps(at), this.labels);
    const { width, height } = this.scene;
    return new PooledFrame(this.pool, this.id, this.seq, width, height, data, at, decodeStartMs);
  }

  /** One live tick: render, hand to a waiting next() or keep as the latest (latest wins). */
  private produceLive(): void {
    const frame = this.produce();
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(frame);
    } else {
      if (this.latest !== null) {
        this.latest.release();
        if (!this.paused) this.setState('backpressured');
        try {
          this.onDrop?.();
        } catch {
          // a faulty hook must not stop the camera
        }
      }
      this.latest = frame;
    }
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

  private setState(state: SourceState): void {
    if (state !== this.state) {
      for (const s of SOURCE_STATES)
        setGauge('sourceState', s === state ? 1 : 0, { source_id: this.id, state: s });
    }
    this.state = state;
    this.sinceMs = Date.now();
  }
}

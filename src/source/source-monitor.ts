/**
 * A source's state, counters and telemetry: adeline_source_state (1 for the current state, 0 for
 * the others), adeline_source_fps, adeline_frames_read_total, and the state logs.
 * Stall detection: an active source that reads no frame for max(stall_factor × expected interval,
 * stall_min_ms) is `stalled` — unless frames wait for a consumer that does not take them, which
 * is `backpressured` (the pipeline is behind; the source is fine).
 * Any FrameSource may use it; the owner reports phases, frames and readiness.
 */
import { SOURCE_STATES, type SourceState, type SourceStatus } from './frame-source.js';
import { FpsMeter } from './fps-meter.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { logTransition } from './source-state-log.js';

/** What the source itself knows; paused/stalled/backpressured are derived from it. */
export type SourcePhase = 'connecting' | 'active' | 'reconnecting' | 'ended' | 'failed';

export interface SourceMonitorOptions {
  sourceId: number;
  /** URL or path with credentials removed. */
  description: string;
  /** health.stall_factor. */
  stallFactor: number;
  /** health.stall_min_ms. */
  stallMinMs: number;
  /** Frames/s the source should deliver, when known. Default: rateFps(), learnt from the frames. */
  expectedFps?: () => number | null;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  /** How often stalls are checked and the fps gauge updated, ms; 0 = only via check(). Default 250. */
  tickMs?: number;
  onStateChange?: (state: SourceState, previous: SourceState) => void;
}

export class SourceMonitor {
  private phase: SourcePhase = 'connecting';
  private state: SourceState = 'connecting';
  private sinceMs: number;
  private paused = false;
  private framesRead = 0;
  private lastFrameAtMs: number | null = null;
  private reconnects = 0;
  private lastError: string | undefined;
  private activeSinceMs = 0;
  private readySinceMs: number | null = null;
  private unblockedAtMs = 0;
  private readonly meter = new FpsMeter();
  /** Moving average of the gaps between frames, ms (gaps longer than a stall are left out). */
  private avgIntervalMs: number | null = null;
  private readonly labels: { source_id: number };
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SourceMonitorOptions) {
    this.now = opts.now ?? Date.now;
    this.sinceMs = this.now();
    this.labels = { source_id: opts.sourceId };
  }

  /** Publishes the state gauge and starts the stall timer. */
  start(): void {
    this.publishState();
    const tick = this.opts.tickMs ?? 250;
    if (tick > 0 && !this.timer) {
      this.timer = setInterval(() => this.check(), tick);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    setGauge('sourceFps', 0, this.labels);
  }

  setPhase(phase: SourcePhase, error?: string): void {
    if (error !== undefined) this.lastError = error;
    if (phase === this.phase) return this.check();
    this.phase = phase;
    if (phase === 'active') {
      this.activeSinceMs = this.now();
      this.lastError = error;
    }
    this.check();
  }

  getPhase(): SourcePhase {
    return this.phase;
  }

  setError(error: string): void {
    this.lastError = error;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.check();
  }

  /** One frame read from the source (before any drop). */
  frameRead(): void {
    const now = this.now();
    if (this.lastFrameAtMs !== null) {
      const gap = now - this.lastFrameAtMs;
      if (gap <= this.stallTimeoutMs()) {
        this.avgIntervalMs =
          this.avgIntervalMs === null ? gap : this.avgIntervalMs * 0.9 + gap * 0.1;
      }
    }
    this.framesRead++;
    this.lastFrameAtMs = now;
    this.meter.mark(now);
    addMetric('framesRead', 1, this.labels);
    if (this.state === 'stalled' || this.state === 'connecting' || this.state === 'reconnecting')
      this.check();
  }

  /** true while read frames wait for the consumer, false once it has taken them. */
  setReady(waiting: boolean): void {
    if (waiting) this.readySinceMs ??= this.now();
    else if (this.readySinceMs !== null) {
      this.readySinceMs = null;
      this.unblockedAtMs = this.now();
    }
    if (this.state === 'backpressured') this.check();
  }

  /** Counts one reconnect attempt (adeline_source_reconnects_total). */
  reconnectAttempt(): void {
    this.reconnects++;
    addMetric('sourceReconnects', 1, this.labels);
  }

  /** Measured frames/s over the last few seconds. */
  fps(): number {
    return this.meter.fps(this.now());
  }

  /**
   * The source's own frame rate, learnt from the gaps between frames; unlike fps() it does not
   * sink while frames are missing, so a stall cannot stretch its own timeout. Null before 2 frames.
   */
  rateFps(): number | null {
    return this.avgIntervalMs === null ? null : 1000 / Math.max(this.avgIntervalMs, 1);
  }

  /** max(stall_factor × expected interval, stall_min_ms). */
  stallTimeoutMs(): number {
    const fps = this.opts.expectedFps ? this.opts.expectedFps() : this.rateFps();
    const interval = fps !== null && fps > 0 ? 1000 / fps : 0;
    return Math.max(this.opts.stallFactor * interval, this.opts.stallMinMs);
  }

  status(): SourceStatus {
    this.check();
    const s: SourceStatus = {
      state: this.state,
      sinceMs: this.sinceMs,
      framesRead: this.framesRead,
      lastFrameAtMs: this.lastFrameAtMs,
      reconnects: this.reconnects,
    };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }

  /** Recomputes the state (the timer calls it; tests may call it with an injected clock). */
  check(): void {
    const next = this.derive();
    if (this.timer) setGauge('sourceFps', this.fps(), this.labels);
    if (next === this.state) return;
    const prev = this.state;
    this.state = next;
    this.sinceMs = this.now();
    this.publishState();
    logTransition(next, prev, {
      sourceId: this.opts.sourceId,
      description: this.opts.description,
      framesRead: this.framesRead,
      lastError: this.lastError,
      stallTimeoutMs: this.stallTimeoutMs(),
    });
    try {
      this.opts.onStateChange?.(next, prev);
    } catch {
      /* a listener never breaks the source */
    }
  }

  private derive(): SourceState {
    if (this.phase !== 'active') return this.phase;
    if (this.paused) return 'paused';
    const now = this.now();
    const timeout = this.stallTimeoutMs();
    if (this.readySinceMs !== null)
      return now - this.readySinceMs > timeout ? 'backpressured' : 'delivering';
    const ref = Math.max(this.lastFrameAtMs ?? 0, this.activeSinceMs, this.unblockedAtMs);
    return now - ref > timeout ? 'stalled' : 'delivering';
  }

  private publishState(): void {
    for (const s of SOURCE_STATES) {
      setGauge('sourceState', s === this.state ? 1 : 0, {
        source_id: this.opts.sourceId,
        state: s,
      });
    }
  }
}

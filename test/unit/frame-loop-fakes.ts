/** Fakes for the frame loop tests: a manual clock, a scripted source and a frame handler. */
import type { Frame } from '../../src/domain/frame.js';
import type { FrameHandler } from '../../src/pipeline/frame-loop.js';
import type { Clock } from '../../src/pipeline/clock.js';
import { FrameHandoff } from '../../src/source/frame-handoff.js';
import { FramePool, PooledFrame } from '../../src/source/frame-pool.js';
import type { FrameSource, SourceKind, SourceStatus } from '../../src/source/frame-source.js';

/** Virtual monotonic time; sleeps resolve only when the test advances it. */
export class ManualClock implements Clock {
  t = 0;
  private sleepers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const s = { at: this.t + ms, resolve };
      this.sleepers.push(s);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  pending(): number {
    return this.sleepers.length;
  }

  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.at <= this.t + 1e-9);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t + 1e-9);
    for (const s of due) s.resolve();
  }

  /** Jumps to the earliest sleeper's wake-up time. */
  advanceToNext(): boolean {
    if (this.sleepers.length === 0) return false;
    const at = Math.min(...this.sleepers.map((s) => s.at));
    this.advance(at - this.t);
    return true;
  }
}

/** Lets every pending promise callback and immediate run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export class FakeSource implements FrameSource {
  readonly kind: SourceKind = 'synthetic';
  readonly description = 'fake';
  onDrop?: () => void;
  paused = false;
  private readonly pool = new FramePool();
  private readonly handoff: FrameHandoff;
  private seq = 0;

  constructor(
    readonly id: number,
    readonly live: boolean,
  ) {
    this.handoff = new FrameHandoff(live, {
      drop: () => this.onDrop?.(),
      demand: () => {},
      ready: () => {},
    });
  }

  /** Delivers `n` frames (a live source replaces any untaken one). */
  emit(n = 1): void {
    for (let i = 0; i < n; i++) {
      this.handoff.push(
        new PooledFrame(this.pool, this.id, ++this.seq, 2, 2, this.pool.acquire(12), 0, 0),
      );
    }
  }

  end(): void {
    this.handoff.end();
  }

  nominalFps(): number | null {
    return null;
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  next(): Promise<Frame | null> {
    return this.handoff.next();
  }
  stop(): Promise<void> {
    this.handoff.close();
    return Promise.resolve();
  }
  status(): SourceStatus {
    return {
      state: 'delivering',
      sinceMs: 0,
      framesRead: this.seq,
      lastFrameAtMs: null,
      reconnects: 0,
    };
  }
  setPaused(p: boolean): void {
    this.paused = p;
  }
}

/**
 * A frame handler behind `maxInFlight` slots; frames are held until finish() unless autoFinish.
 * Spread it into the FrameLoop options (`...pipe`) to give the loop its slots and handler.
 */
export class FakePipeline implements FrameHandler {
  readonly got: { sourceId: number; seq: number; at: number }[] = [];
  readonly held: { frame: Frame; done: () => void }[] = [];
  readonly handler: FrameHandler = this;

  constructor(
    readonly maxInFlight: number,
    private readonly clock: Clock,
    private readonly autoFinish = true,
  ) {}

  process(frame: Frame): Promise<void> {
    this.got.push({ sourceId: frame.sourceId, seq: frame.seq, at: this.clock.now() });
    if (this.autoFinish) {
      frame.release();
      return Promise.resolve();
    }
    return new Promise((done) => this.held.push({ frame, done }));
  }

  /** Finishes the oldest held frame. */
  finish(): void {
    const h = this.held.shift();
    if (!h) return;
    h.frame.release();
    h.done();
  }
}

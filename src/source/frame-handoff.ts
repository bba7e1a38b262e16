/**
 * Hands decoded frames from a reader to the consumer's next() calls.
 * - live: one slot, latest wins. A frame replaced before anyone took it is released and reported
 *   through onDrop.
 * - non-live: a FIFO; the reader asks `wantsMore()` and pauses its input when it is false, so every
 *   frame is delivered in order and a slow consumer holds the decoder back (backpressure).
 */
import type { Frame } from '../domain/frame.js';

export interface HandoffEvents {
  /** A live frame was replaced before anyone took it. */
  drop(): void;
  /** The consumer took frames or asked for one: a paused reader may resume. */
  demand(): void;
  /** Called with true when frames wait for the consumer, false when none do. */
  ready(waiting: boolean): void;
}

export class FrameHandoff {
  private readonly queue: Frame[] = [];
  private readonly waiters: ((f: Frame | null) => void)[] = [];
  private ended = false;

  constructor(
    readonly live: boolean,
    private readonly events: HandoffEvents,
    /** Non-live read-ahead: frames decoded before anyone asks. */
    private readonly readAhead = 1,
  ) {}

  /** Delivers a frame from the reader. After end() or close(), the frame is released. */
  push(frame: Frame): void {
    if (this.ended) {
      frame.release();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(frame);
      return;
    }
    if (this.live && this.queue.length > 0) {
      for (const old of this.queue.splice(0)) {
        old.release();
        try {
          this.events.drop();
        } catch {
          // a faulty drop hook must not stop the reader (the camera goes on)
        }
      }
    }
    this.queue.push(frame);
    if (this.queue.length === 1) this.events.ready(true);
  }

  /** The oldest waiting frame (non-live) or the latest (live); null once ended and drained. */
  next(): Promise<Frame | null> {
    const f = this.queue.shift();
    if (f) {
      if (this.queue.length === 0) this.events.ready(false);
      this.events.demand();
      return Promise.resolve(f);
    }
    if (this.ended) return Promise.resolve(null);
    const p = new Promise<Frame | null>((resolve) => this.waiters.push(resolve));
    this.events.demand();
    return p;
  }

  /** Whether a non-live reader should keep reading. Live readers always read. */
  wantsMore(): boolean {
    return this.live || this.waiters.length > 0 || this.queue.length < this.readAhead;
  }

  /** Someone is blocked in next(). */
  hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /** No more frames will come: waiters get null once the queue is drained. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.waiters.splice(0)) w(null);
  }

  /** Ends at once: queued frames are released, waiters get null. */
  close(): void {
    this.end();
    for (const f of this.queue.splice(0)) f.release();
    this.events.ready(false);
  }

  /** Accepts frames again after end() (a restarted source). */
  reopen(): void {
    this.ended = false;
  }
}

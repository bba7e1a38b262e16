/**
 * Fair admission in front of the pipeline's slot semaphore: source loops queue in FIFO order and
 * the queue asks for one slot at a time, so sources take turns (round-robin) whatever order the
 * pipeline would wake them in. A slot that arrives after its waiter gave up is handed back.
 */
interface Waiter {
  resolve(got: boolean): void;
  signal: AbortSignal;
  onAbort(): void;
}

export class AdmissionQueue {
  private readonly waiters: Waiter[] = [];
  private pumping = false;

  constructor(
    private readonly admit: () => Promise<void>,
    private readonly cancel: () => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Resolves true with a slot, or false if `signal` aborted first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const w: Waiter = {
        resolve,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(false);
        },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.waiters.push(w);
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        try {
          await this.admit();
        } catch (err) {
          this.onError(err);
          for (const w of this.waiters.splice(0)) this.settle(w, false);
          break;
        }
        const w = this.waiters.shift();
        if (w) this.settle(w, true);
        else this.cancel();
      }
    } finally {
      this.pumping = false;
    }
  }

  private settle(w: Waiter, got: boolean): void {
    w.signal.removeEventListener('abort', w.onAbort);
    w.resolve(got);
  }
}

/**
 * A background prober for the resilience tests: GETs a health path every `intervalMs` (like a
 * kubelet would) and keeps every answer with its time, so a test can ask "when did the data plane
 * turn degraded" or "did every probe get an HTTP response".
 */

export interface ProbeAnswer {
  /** Date.now() when the request was sent. */
  atMs: number;
  /** HTTP status, or null when the request got no response (refused, reset, timed out). */
  status: number | null;
  /** Parsed JSON body (null when not JSON or no response). */
  body: ReadyBody | null;
  latencyMs: number;
  error?: string;
}

export interface ReadyBody {
  status: string;
  checks: Record<string, string>;
  shutting_down?: boolean;
}

export class HealthProber {
  readonly answers: ProbeAnswer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly intervalMs = 200,
    private readonly timeoutMs = 2000,
  ) {}

  start(): this {
    const tick = () => {
      if (this.inflight) return;
      this.inflight = this.probeOnce().finally(() => (this.inflight = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    return this;
  }

  private async probeOnce(): Promise<void> {
    const atMs = Date.now();
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
      const text = await res.text();
      let body: ReadyBody | null = null;
      try {
        body = JSON.parse(text) as ReadyBody;
      } catch {
        body = null;
      }
      this.answers.push({ atMs, status: res.status, body, latencyMs: Date.now() - atMs });
    } catch (err) {
      this.answers.push({
        atMs,
        status: null,
        body: null,
        latencyMs: Date.now() - atMs,
        error: (err as Error).message,
      });
    }
  }

  /** The first answer at or after `fromMs` that satisfies `pred`. */
  firstAfter(fromMs: number, pred: (a: ProbeAnswer) => boolean): ProbeAnswer | undefined {
    return this.answers.find((a) => a.atMs >= fromMs && pred(a));
  }

  /** Answers sent in [fromMs, toMs]. */
  between(fromMs: number, toMs: number): ProbeAnswer[] {
    return this.answers.filter((a) => a.atMs >= fromMs && a.atMs <= toMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight;
  }
}

/** The status of check `name` in a probe body (undefined when absent). */
export function checkStatus(body: ReadyBody | null, name: string): string | undefined {
  return body?.checks[name];
}

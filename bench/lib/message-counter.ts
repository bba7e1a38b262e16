/**
 * Counts the detection messages the service publishes, as a consumer sees them on the broker.
 * Throughput is measured here, outside the service, so that it is the same measurement whether
 * the service's telemetry is on or off.
 */
import { connectAsync, type MqttClient } from 'mqtt';

export const DETECTIONS_TOPIC = 'inference/data/detections';

export class MessageCounter {
  private client: MqttClient | undefined;
  private times = new Float64Array(1 << 16);
  private n = 0;
  /** Bytes of payload received. */
  bytes = 0;
  /** When set, each message's capture → arrival latency is kept (parses every payload). */
  recordLatency = false;
  private latency: number[] = [];

  constructor(
    private readonly url: string,
    private readonly topic = DETECTIONS_TOPIC,
  ) {}

  async start(): Promise<void> {
    this.client = await connectAsync(this.url, {
      protocolVersion: 5,
      clientId: `bench-counter-${process.pid}`,
      reconnectPeriod: 0,
    });
    this.client.on('message', (_topic, payload) => {
      if (this.n === this.times.length) {
        const bigger = new Float64Array(this.times.length * 2);
        bigger.set(this.times);
        this.times = bigger;
      }
      this.times[this.n++] = performance.now();
      this.bytes += payload.length;
      if (this.recordLatency) this.noteLatency(payload);
    });
    await this.client.subscribeAsync(this.topic, { qos: 0 });
  }

  reset(): void {
    this.n = 0;
    this.bytes = 0;
    this.latency = [];
  }

  /** Capture → arrival latencies (ms) of the messages since reset(), in arrival order. */
  latencies(): number[] {
    return [...this.latency];
  }

  private noteLatency(payload: Buffer): void {
    try {
      const msg = JSON.parse(payload.toString('utf8')) as { frame?: { timestamp?: string } };
      const captured = Date.parse(msg.frame?.timestamp ?? '');
      if (Number.isFinite(captured)) this.latency.push(Date.now() - captured);
    } catch {
      /* not a detection message */
    }
  }

  get count(): number {
    return this.n;
  }

  /** performance.now() of the first message since reset(), or null. */
  firstAt(): number | null {
    return this.n > 0 ? (this.times[0] as number) : null;
  }

  /** Messages that arrived in [fromMs, toMs). */
  countBetween(fromMs: number, toMs: number): number {
    return this.lowerBound(toMs) - this.lowerBound(fromMs);
  }

  /** Messages per second in [fromMs, toMs). */
  rate(fromMs: number, toMs: number): number {
    const s = (toMs - fromMs) / 1000;
    return s > 0 ? this.countBetween(fromMs, toMs) / s : 0;
  }

  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.times[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = undefined;
  }
}

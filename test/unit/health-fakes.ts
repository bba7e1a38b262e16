/**
 * Test doubles for the health tests: hand-driven timers and clock, a log capture, and an
 * in-memory metric reader for adeline_health_status. (Not a test file: no `.test.` in the name.)
 */
import { Writable } from 'node:stream';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { pino, type Logger } from 'pino';
import type { Clock, Timers } from '../../src/health/timers.js';
import { resetMetricInstruments } from '../../src/telemetry/metrics.js';

export const EPOCH = 1_700_000_000_000;

/** Timers and clock that only move when the test calls advance(). */
export class FakeTime implements Timers, Clock {
  t = 0;
  private seq = 0;
  private readonly queue = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): number {
    const id = ++this.seq;
    this.queue.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue.delete(handle as number);
  }
  now(): number {
    return EPOCH + this.t;
  }
  monotonic(): number {
    return this.t;
  }
  pending(): number {
    return this.queue.size;
  }
  /** Moves time forward, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await settle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.queue)
        if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.queue.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = target;
    await settle();
  }
}

/** Lets pending promise callbacks run (a few macrotask turns; not a sleep). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

export interface LogCapture {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

export function captureLogs(level = 'debug'): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Installs a global MeterProvider for one test file; `gauge(name)` reads the last values by label. */
export function installMetrics(): {
  gauge(name: string, label: string): Promise<Map<string, number>>;
  uninstall(): Promise<void>;
} {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.disable();
  metrics.setGlobalMeterProvider(provider);
  resetMetricInstruments();
  return {
    async gauge(name, label) {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, number>();
      for (const sm of resourceMetrics.scopeMetrics) {
        for (const m of sm.metrics) {
          if (m.descriptor.name !== name) continue;
          for (const dp of (m as GaugeMetricData).dataPoints)
            out.set(String(dp.attributes[label] ?? ''), dp.value);
        }
      }
      return out;
    },
    async uninstall() {
      metrics.disable();
      resetMetricInstruments();
      await provider.shutdown();
    },
  };
}

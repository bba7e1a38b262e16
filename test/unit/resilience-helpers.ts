/**
 * Test helpers for the resilience and spool tests: an in-memory MeterProvider whose values
 * can be read back by Prometheus name, a log capture and a recording policy observer.
 */
import { Writable } from 'node:stream';
import { metrics, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { pino } from 'pino';
import type { Logger } from '../../src/telemetry/logger.js';
import { resetMetricInstruments } from '../../src/telemetry/metrics.js';
import type { PolicyObserver } from '../../src/resilience/policy-observer.js';

class TestReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface MetricsProbe {
  /** Value of the data point of `name` (Prometheus name) with exactly these labels; undefined when absent. */
  value(name: string, labels?: Attributes): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Installs a fresh global MeterProvider and forgets cached instruments. */
export function installMetrics(): MetricsProbe {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.disable();
  metrics.setGlobalMeterProvider(provider);
  resetMetricInstruments();
  return {
    async value(name, labels = {}) {
      const { resourceMetrics } = await reader.collect();
      const otelName = name.replace(/_total$/, '');
      for (const sm of resourceMetrics.scopeMetrics) {
        for (const m of sm.metrics) {
          if (m.descriptor.name !== otelName) continue;
          for (const dp of m.dataPoints) {
            if (sameLabels(dp.attributes, labels)) return dp.value as number;
          }
        }
      }
      return undefined;
    },
    async stop() {
      metrics.disable();
      resetMetricInstruments();
      await provider.shutdown();
    },
  };
}

function sameLabels(a: Attributes, b: Attributes): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export interface LogCapture {
  lines: Array<Record<string, unknown>>;
  logger: Logger;
  events(name: string): Array<Record<string, unknown>>;
}

/** A logger that keeps its JSON lines in memory (inject it; the global logger is left alone). */
export function captureLogs(level = 'debug'): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n'))
        if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level }, destination);
  return { lines, logger, events: (name) => lines.filter((l) => l['event'] === name) };
}

/** An observer that records every event as `hook:service[:detail]`. */
export function recordingObserver(): PolicyObserver & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    onCreated: (s, st) => events.push(`created:${s}:${st}`),
    onBreak: (s) => events.push(`break:${s}`),
    onReset: (s) => events.push(`reset:${s}`),
    onHalfOpen: (s) => events.push(`halfOpen:${s}`),
    onStateChange: (s, st) => events.push(`state:${s}:${st}`),
    onSuccess: (s) => events.push(`success:${s}`),
    onFailure: (s) => events.push(`failure:${s}`),
    onRetry: (s, a, d) => events.push(`retry:${s}:${a}:${d}`),
    onGiveUp: (s) => events.push(`giveUp:${s}`),
    onTimeout: (s) => events.push(`timeout:${s}`),
    onReject: (s, by) => events.push(`reject:${s}:${by}`),
  };
}

/**
 * Shared pieces of the MQTT integration tests: config for a test broker, a fake ServiceController
 * (pure logic), an observer client that records messages with their user properties, and an
 * in-memory tracer provider.
 */
import { Writable } from 'node:stream';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { context, metrics, propagation, trace, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ConfigSchema } from '../../src/config/schema.js';
import type {
  MetricsSnapshot,
  PipelineState,
  ServiceController,
  StabilizationStats,
} from '../../src/domain/control.js';
import { AdelineError } from '../../src/domain/errors.js';
import type { MqttConfig } from '../../src/planes/broker-url.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { resetMetricInstruments } from '../../src/telemetry/metrics.js';
import { waitFor } from '../helpers/wait.js';

/** Keeps the service's log lines out of the test output. */
export function quietLogs(): void {
  configureLogger({ level: 'silent', pretty: 'never' });
}

/** The mqtt config section for a broker on 127.0.0.1:port, with fast reconnects. */
export function mqttConfig(port: number, extra: Record<string, unknown> = {}): MqttConfig {
  const cfg = ConfigSchema.parse({
    mqtt: {
      broker: { host: '127.0.0.1', port },
      reconnect: { initial_delay_ms: 100, max_delay_ms: 400 },
      connect_timeout_ms: 3000,
      ...extra,
    },
  });
  return cfg.mqtt;
}

export class FakeController implements ServiceController {
  pipeline: PipelineState = 'running';
  calls: string[] = [];
  crop = false;
  level = 'info';
  constructor(
    readonly opts: {
      adaptiveRoi?: boolean;
      stabilization?: boolean;
      healthDelayMs?: number;
      healthChecks?: Record<string, unknown>;
      pauseThrows?: Error;
    } = {},
  ) {}
  state(): PipelineState {
    return this.pipeline;
  }
  async pause(): Promise<void> {
    this.calls.push('pause');
    if (this.opts.pauseThrows) throw this.opts.pauseThrows;
    if (this.pipeline === 'running') this.pipeline = 'paused';
  }
  async resume(): Promise<void> {
    this.calls.push('resume');
    if (this.pipeline === 'paused') this.pipeline = 'running';
  }
  async stop(reason: string): Promise<void> {
    this.calls.push(`stop:${reason}`);
    this.pipeline = 'stopped';
  }
  metrics(): MetricsSnapshot {
    return {
      throughputFps: 14.5,
      sourcesCount: 1,
      latencyReports: [
        { sourceId: 0, frameDecodingLatencyMs: 1.5, inferenceLatencyMs: 42, e2eLatencyMs: 61.25 },
      ],
    };
  }
  async health(): Promise<{ status: string; checks: Record<string, unknown> }> {
    if (this.opts.healthDelayMs) await new Promise((r) => setTimeout(r, this.opts.healthDelayMs));
    const checks = this.opts.healthChecks ?? {
      model: { status: 'healthy' },
      mqtt_data: { status: 'healthy' },
    };
    return { status: 'healthy', checks };
  }
  toggleCrop(): boolean {
    if (!this.opts.adaptiveRoi) {
      throw new AdelineError(
        'ADELINE_ERR_COMMAND_NOT_APPLICABLE',
        'toggle_crop needs roi_strategy.mode adaptive (it is none)',
      );
    }
    this.crop = !this.crop;
    return this.crop;
  }
  stabilizationStats(): Record<string, StabilizationStats> {
    if (!this.opts.stabilization) {
      throw new AdelineError(
        'ADELINE_ERR_COMMAND_NOT_APPLICABLE',
        'stabilization_stats needs detection_stabilization.mode temporal (it is none)',
      );
    }
    return {
      '0': {
        totalDetected: 10,
        totalConfirmed: 4,
        totalIgnored: 3,
        totalRemoved: 1,
        activeTracks: 2,
        tracksByClass: { person: 2 },
        confirmRatio: 0.4,
      },
    };
  }
  setLogLevel(level: string): string {
    const prev = this.level;
    this.level = level;
    return prev;
  }
}

export interface Received {
  topic: string;
  text: string;
  json: unknown;
  retain: boolean;
  userProperties: Record<string, string | string[]> | undefined;
}

/** A plain MQTT 5 client that records every message it gets. */
export class Observer {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      let json: unknown = undefined;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON: availability strings */
      }
      this.messages.push({
        topic,
        text,
        json,
        retain: packet.retain,
        userProperties: packet.properties?.userProperties,
      });
    });
  }

  static async open(port: number, topics: string[], opts: IClientOptions = {}): Promise<Observer> {
    const client = connect(`mqtt://127.0.0.1:${port}`, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      ...opts,
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(topics, { qos: 1 });
    return new Observer(client);
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Waits until a message on topic satisfies pred; returns it. */
  wait(
    topic: string,
    pred: (m: Received) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Received> {
    return waitFor(() => this.on(topic).find(pred), { timeoutMs, what: `a message on ${topic}` });
  }

  publish(
    topic: string,
    payload: string | Buffer,
    userProperties?: Record<string, string>,
  ): Promise<unknown> {
    return this.client.publishAsync(topic, payload, {
      qos: 1,
      properties: userProperties ? { userProperties } : undefined,
    });
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

export interface TestTracing {
  exporter: InMemorySpanExporter;
  /** Forgets the spans of this test file (the registration stays for the process). */
  shutdown(): Promise<void>;
}

let shared: TestTracing | undefined;

/**
 * Registers an in-memory tracer provider, an async context manager and the W3C propagator, once
 * per process: src/telemetry/tracing.ts holds a tracer whose delegate is fixed by the first
 * provider registered, so re-registering per file would lose the spans.
 */
export function registerTestTracing(): TestTracing {
  if (shared) {
    shared.exporter.reset();
    return shared;
  }
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  shared = { exporter, shutdown: async () => exporter.reset() };
  return shared;
}

class TestReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface MetricsProbe {
  /** Sum of the data points of `name` (Prometheus name) whose labels include `labels`. */
  value(name: string, labels?: Attributes): Promise<number>;
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
      let sum = 0;
      for (const sm of resourceMetrics.scopeMetrics) {
        for (const m of sm.metrics) {
          if (m.descriptor.name !== name.replace(/_total$/, '')) continue;
          for (const dp of m.dataPoints) {
            if (Object.entries(labels).every(([k, v]) => dp.attributes[k] === v))
              sum += dp.value as number;
          }
        }
      }
      return sum;
    },
    async stop() {
      metrics.disable();
      resetMetricInstruments();
      await provider.shutdown();
    },
  };
}

export interface LogCapture {
  lines: Array<Record<string, unknown>>;
  events(name: string): Array<Record<string, unknown>>;
  /** Puts the global logger back (silent). */
  restore(): void;
}

/** Points the global logger at memory (JSON lines), so tests can assert what was logged. */
export function captureGlobalLogs(level = 'info'): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n'))
        if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  configureLogger({ level, pretty: 'never', destination });
  return {
    lines,
    events: (name) => lines.filter((l) => l['event'] === name),
    restore: () => void configureLogger({ level: 'silent', pretty: 'never' }),
  };
}

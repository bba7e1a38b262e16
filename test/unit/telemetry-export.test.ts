/**
 * The telemetry export path outside the SDK: the guarded exporter with the breaker from
 * resilience/policies.ts, queue drops counted through the processors' self-observability meter,
 * and which signals have a collector at all.
 */
import assert from 'node:assert/strict';
import { mock } from 'node:test';
import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchLogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { ConfigSchema } from '../../src/config/schema.js';
import { buildTelemetryExportPolicy } from '../../src/resilience/policies.js';
import { ExportReporter } from '../../src/telemetry/export-reporter.js';
import { guardedExporter, type ItemExporter } from '../../src/telemetry/guarded-exporter.js';
import { resolveOtlpEndpoint } from '../../src/telemetry/otlp-endpoint.js';
import { queueDropMeterProvider } from '../../src/telemetry/queue-drop-meter.js';

const resilience = (breaker: Record<string, number>) =>
  ConfigSchema.parse({ resilience: { telemetry_export: { breaker } } }).resilience;

/** An exporter that answers each export with the next scripted result and counts its calls. */
function scripted(results: Array<ExportResult | 'throw'>) {
  const calls: number[] = [];
  const exporter: ItemExporter<number> = {
    export(items, cb) {
      calls.push(items.length);
      const r = results.shift() ?? { code: ExportResultCode.SUCCESS };
      if (r === 'throw') throw new TypeError('exporter bug');
      cb(r);
    },
    shutdown: async () => {},
  };
  return { exporter, calls };
}

const exportOnce = (e: ItemExporter<number>, items: number[]) =>
  new Promise<ExportResult>((resolve) => e.export(items, resolve));

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('guarded telemetry exporter', () => {
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('tries a failing collector once, then drops and counts batches until the trial export', async () => {
    const reporter = new ExportReporter({ traces: true, logs: true });
    const down = { code: ExportResultCode.FAILED, error: new Error('ECONNREFUSED') };
    const inner = scripted([down, down]);
    const guarded = guardedExporter('traces', inner.exporter, reporter);
    guarded.guard(buildTelemetryExportPolicy(resilience({ half_open_after_ms: 5000 }), 'traces'));

    assert.equal((await exportOnce(guarded, [1, 2, 3])).code, ExportResultCode.FAILED);
    const skipped = await exportOnce(guarded, [4, 5]);
    assert.equal(skipped.code, ExportResultCode.FAILED);
    assert.match(skipped.error?.message ?? '', /skipped/);
    assert.deepEqual(inner.calls, [3], 'the second batch was not sent');
    let s = reporter.snapshot().traces;
    assert.equal(s.failures, 1);
    assert.equal(s.dropped, 5);
    assert.equal(s.failing, true);
    assert.equal(s.lastError, 'ECONNREFUSED');

    mock.timers.tick(5001);
    assert.equal((await exportOnce(guarded, [6])).code, ExportResultCode.FAILED);
    assert.deepEqual(inner.calls, [3, 1], 'a trial export after half_open_after_ms');
    mock.timers.tick(5001);
    assert.equal((await exportOnce(guarded, [7])).code, ExportResultCode.SUCCESS);
    s = reporter.snapshot().traces;
    assert.equal(s.failures, 2);
    assert.equal(s.dropped, 6);
    assert.equal(s.failing, false, 'recovered');
    assert.equal(reporter.snapshot().logs.failures, 0, 'the other signal is untouched');
  });

  it('counts a failure with no error, and an exporter that throws, without throwing itself', async () => {
    const reporter = new ExportReporter({ traces: true, logs: true });
    const inner = scripted([{ code: ExportResultCode.FAILED }, 'throw']);
    const guarded = guardedExporter('logs', inner.exporter, reporter);
    guarded.guard(buildTelemetryExportPolicy(resilience({ consecutive_failures: 3 }), 'logs'));
    assert.equal((await exportOnce(guarded, [1])).code, ExportResultCode.FAILED);
    assert.equal(reporter.snapshot().logs.lastError, 'logs export failed');
    const thrown = await exportOnce(guarded, [2]);
    assert.equal(thrown.code, ExportResultCode.FAILED);
    assert.equal(thrown.error?.message, 'exporter bug');
    assert.equal(reporter.snapshot().logs.failures, 2);
  });

  it('tries every batch while no policy is handed to it', async () => {
    const reporter = new ExportReporter({ traces: true, logs: true });
    const down = { code: ExportResultCode.FAILED, error: new Error('down') };
    const inner = scripted([down, down, down]);
    const guarded = guardedExporter('traces', inner.exporter, reporter);
    for (let i = 0; i < 3; i++) await exportOnce(guarded, [i]);
    assert.deepEqual(inner.calls, [1, 1, 1]);
    assert.equal(reporter.snapshot().traces.failures, 3);
  });

  it('rejects a telemetry_export breaker config out of range', () => {
    assert.throws(
      () =>
        ConfigSchema.parse({
          resilience: { telemetry_export: { breaker: { half_open_after_ms: 1 } } },
        }),
      /half_open_after_ms/,
    );
  });
});

describe('queue drops of the batch processors', () => {
  const never = { export: () => {}, shutdown: async () => {}, forceFlush: async () => {} };

  it('counts spans dropped at a full queue through the self-observability meter', async () => {
    let dropped = 0;
    const processor = new BatchSpanProcessor({
      exporter: never, // never answers: the queue fills up behind the first batch
      maxQueueSize: 2,
      maxExportBatchSize: 2,
      scheduledDelayMillis: 60_000,
      selfObsMeterProvider: queueDropMeterProvider((n) => (dropped += n)),
    });
    const span = { spanContext: () => ({ traceFlags: TraceFlags.SAMPLED }), resource: {} };
    for (let i = 0; i < 6; i++) processor.onEnd(span as unknown as ReadableSpan);
    await settle();
    assert.equal(dropped, 2, '2 exported (pending), 2 queued, 2 dropped');
  });

  it('counts log records dropped at a full queue', async () => {
    let dropped = 0;
    const processor = new BatchLogRecordProcessor({
      exporter: never,
      maxQueueSize: 2,
      maxExportBatchSize: 2,
      scheduledDelayMillis: 60_000,
      selfObsMeterProvider: queueDropMeterProvider((n) => (dropped += n)),
    });
    const record = { resource: {} } as unknown as ReadWriteLogRecord;
    for (let i = 0; i < 7; i++) processor.onEmit(record);
    await settle();
    assert.ok(dropped >= 3, `at least 3 of 7 dropped (got ${dropped})`);
  });

  it('ignores the counts of processed and failed items', () => {
    let dropped = 0;
    const meter = queueDropMeterProvider((n) => (dropped += n)).getMeter('x');
    const counter = meter.createCounter('otel.sdk.processor.span.processed');
    counter.add(5, { 'otel.component.type': 'batching_span_processor' });
    counter.add(3, { 'error.type': 'OTLPExporterError' });
    counter.add(2, { 'error.type': 'queue_full' });
    assert.equal(dropped, 2);
  });
});

describe('resolveOtlpEndpoint', () => {
  it('exports nothing when no variable and no telemetry.otlp.endpoint name a collector', () => {
    assert.deepEqual(resolveOtlpEndpoint(null, {}, 'traces'), { configured: false });
    assert.deepEqual(resolveOtlpEndpoint(null, { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, 'logs'), {
      configured: false,
    });
  });

  it('appends the signal path to telemetry.otlp.endpoint', () => {
    assert.deepEqual(resolveOtlpEndpoint('http://c:4318/', {}, 'logs'), {
      configured: true,
      url: 'http://c:4318/v1/logs',
    });
  });

  it('leaves the OTEL_* variables to the exporter, per signal', () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/v1/traces' };
    assert.deepEqual(resolveOtlpEndpoint(null, env, 'traces'), {
      configured: true,
      url: undefined,
    });
    assert.deepEqual(resolveOtlpEndpoint(null, env, 'logs'), { configured: false });
    const all = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    assert.deepEqual(resolveOtlpEndpoint('http://x:1', all, 'logs'), {
      configured: true,
      url: undefined,
    });
  });
});

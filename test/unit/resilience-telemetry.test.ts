import assert from 'node:assert/strict';
import { mock } from 'node:test';
import type { Span } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ConfigSchema } from '../../src/config/schema.js';
import { buildInferencePolicy, buildPublishPolicy } from '../../src/resilience/policies.js';
import { telemetryObserver } from '../../src/resilience/telemetry-observer.js';
import { ATTRS, SPAN_EVENTS } from '../../src/telemetry/schema.js';
import {
  captureLogs,
  installMetrics,
  type LogCapture,
  type MetricsProbe,
} from './resilience-helpers.js';

const settle = () => new Promise<void>((r) => setImmediate(r));
const fail = () => Promise.reject(new Error('broker down'));
const never = () => new Promise<never>(() => {});

describe('resilience telemetry', function () {
  this.timeout(5000);
  let probe: MetricsProbe;
  let logs: LogCapture;
  let exporter: InMemorySpanExporter;
  let span: Span;
  let observer: ReturnType<typeof telemetryObserver>;

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 5_000_000 });
    probe = installMetrics();
    logs = captureLogs();
    exporter = new InMemorySpanExporter();
    const tp = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    span = tp.getTracer('test').startSpan('adeline.frame');
    observer = telemetryObserver({
      activeSpan: () => span,
      logger: () => logs.logger,
      now: () => Date.now(),
    });
  });
  afterEach(async () => {
    mock.timers.reset();
    await probe.stop();
  });

  const spanEvents = () => {
    if (span.isRecording()) span.end();
    return exporter.getFinishedSpans()[0]!.events;
  };
  const cfg = (over: Record<string, unknown>) =>
    ConfigSchema.parse({ resilience: over }).resilience;

  it('reports a closed breaker (0) as soon as a policy is built', async () => {
    buildInferencePolicy(cfg({}), observer);
    assert.equal(await probe.value('adeline_circuit_breaker_state', { service: 'inference' }), 0);
    const closed = { service: 'inference', state: 'closed' };
    assert.equal(
      await probe.value('adeline_circuit_breaker_transitions_total', closed),
      undefined,
      'no transition yet',
    );
  });

  it('turns a breaker opening, half-opening and closing into metrics, span events and log lines', async () => {
    const p = buildPublishPolicy(
      cfg({ publish: { breaker: { consecutive_failures: 2 }, retry: { max_attempts: 0 } } }),
      observer,
    );
    const s = { service: 'mqtt_publish' };
    await assert.rejects(p.execute(fail));
    await assert.rejects(p.execute(fail));
    assert.equal(await probe.value('adeline_circuit_breaker_state', s), 1);
    await assert.rejects(p.execute(async () => 'x'));
    assert.equal(await probe.value('adeline_policy_calls_total', { ...s, outcome: 'failure' }), 2);
    assert.equal(await probe.value('adeline_policy_calls_total', { ...s, outcome: 'rejected' }), 1);
    mock.timers.tick(2000);
    await p.execute(async () => 'ok');
    assert.equal(await probe.value('adeline_circuit_breaker_state', s), 0);
    for (const state of ['open', 'half_open', 'closed']) {
      assert.equal(
        await probe.value('adeline_circuit_breaker_transitions_total', { ...s, state }),
        1,
        state,
      );
    }
    assert.equal(await probe.value('adeline_policy_calls_total', { ...s, outcome: 'success' }), 1);
    const names = spanEvents().map((e) => e.name);
    assert.deepEqual(names, [
      SPAN_EVENTS.breakerOpen,
      SPAN_EVENTS.breakerHalfOpen,
      SPAN_EVENTS.breakerClosed,
    ]);
    assert.equal(spanEvents()[0]!.attributes?.[ATTRS.policyService.name], 'mqtt_publish');
    assert.equal(logs.events('breaker_opened')[0]!['error'], 'broker down');
    assert.equal(logs.events('breaker_opened')[0]!['level'], 40, 'warn');
    assert.equal(logs.events('breaker_half_open').length, 1);
    assert.equal(logs.events('breaker_closed').length, 1);
  });

  it('counts retries and timeouts, with a span event and a rate-limited log line each', async () => {
    const p = buildPublishPolicy(
      cfg({ publish: { timeout_ms: 100, retry: { max_attempts: 2, max_delay_ms: 50 } } }),
      observer,
    );
    const s = { service: 'mqtt_publish' };
    const run = p.execute(never).catch((e: unknown) => e);
    for (let i = 0; i < 60; i++) {
      await settle();
      mock.timers.tick(10);
    }
    await run;
    assert.equal(await probe.value('adeline_retries_total', s), 2);
    assert.equal(await probe.value('adeline_timeouts_total', s), 3);
    assert.equal(await probe.value('adeline_policy_calls_total', { ...s, outcome: 'timeout' }), 1);
    const events = spanEvents();
    assert.equal(events.filter((e) => e.name === SPAN_EVENTS.timeout).length, 3);
    const retries = events.filter((e) => e.name === SPAN_EVENTS.retry);
    assert.deepEqual(
      retries.map((e) => e.attributes?.[ATTRS.retryAttempt.name]),
      [1, 2],
    );
    // three timeouts within ~300 ms: one line, the others suppressed (1 s interval)
    assert.equal(logs.events('policy_timeout').length, 1);
    mock.timers.tick(1000);
    observer.onTimeout!('mqtt_publish');
    const lines = logs.events('policy_timeout');
    assert.equal(lines.length, 2);
    assert.equal(lines[1]!['suppressed'], 2);
  });

  it('counts bulkhead rejections as rejected calls', async () => {
    const p = buildPublishPolicy(cfg({ publish: { bulkhead: { limit: 1, queue: 0 } } }), observer);
    const s = { service: 'mqtt_publish' };
    const first = p.execute(() => new Promise<void>((r) => setTimeout(r, 10)));
    await assert.rejects(p.execute(async () => 'x'));
    assert.equal(await probe.value('adeline_bulkhead_rejections_total', s), 1);
    assert.equal(await probe.value('adeline_policy_calls_total', { ...s, outcome: 'rejected' }), 1);
    assert.deepEqual(
      spanEvents().map((e) => e.name),
      [SPAN_EVENTS.bulkheadRejected],
    );
    assert.equal(logs.events('bulkhead_rejected').length, 1);
    mock.timers.tick(10);
    await first;
  });

  it('adds no span event when the active span is not recording, and still counts', async () => {
    const quiet = telemetryObserver({ activeSpan: () => undefined, logger: () => logs.logger });
    quiet.onRetry!('source_0', 1, 100, new Error('refused'));
    assert.equal(await probe.value('adeline_retries_total', { service: 'source_0' }), 1);
    assert.equal(spanEvents().length, 0);
  });
});

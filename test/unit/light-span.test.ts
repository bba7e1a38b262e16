/**
 * Light child spans (src/telemetry/light-span.ts) against spans the SDK makes from the same
 * input: both go through the SDK's span processor and the official OTLP JSON serializer, and must
 * serialise to the same span apart from the span id. Plus when a light span is not used, and bad
 * input (invalid attribute values, calls after end, an end before the start).
 */
import assert from 'node:assert/strict';
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { LightSpan, setLightSpanSink, startLightSpan } from '../../src/telemetry/light-span.js';
import { recordSpanError, startSpan } from '../../src/telemetry/tracing.js';
import { VERSION } from '../../src/telemetry/version.js';

const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor({ exporter });
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'light-span-test' }),
  spanProcessors: [processor],
});
const sink = { onEnd: (s: unknown) => processor.onEnd(s as ReadableSpan) };

interface OtlpSpan {
  spanId: string;
  [k: string]: unknown;
}
interface OtlpRequest {
  resourceSpans: Array<{
    resource: unknown;
    scopeSpans: Array<{ scope: unknown; spans: OtlpSpan[] }>;
  }>;
}

/** The OTLP JSON of one span, as the exporter would send it. */
function otlp(span: ReadableSpan): { request: OtlpRequest; span: OtlpSpan } {
  const bytes = JsonTraceSerializer.serializeRequest([span]);
  assert.ok(bytes, 'the serializer produced a request');
  const request = JSON.parse(Buffer.from(bytes).toString('utf8')) as OtlpRequest;
  const s = request.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  assert.ok(s);
  return { request, span: s };
}

function rootCtx(): { root: Span; ctx: Context } {
  const root = provider.getTracer('adeline', VERSION).startSpan('adeline.frame', { root: true });
  return { root, ctx: trace.setSpan(ROOT_CONTEXT, root) };
}

/** Ends `span` after exercising the whole Span API the pipeline uses, the same way each time. */
const stageError = new Error('stage failed');

function exercise(span: Span, t0: number): void {
  span.setAttribute('adeline.roi.crop', '1,2,3,4');
  span.setAttributes({ 'adeline.inference.queue_ms': 0.25, 'adeline.spooled': false });
  recordSpanError(span, stageError);
  span.end(t0 + 3.5);
}

describe('light spans', () => {
  before(() => trace.setGlobalTracerProvider(provider));
  after(() => {
    setLightSpanSink(null);
    trace.disable();
  });
  beforeEach(() => {
    exporter.reset();
    setLightSpanSink(null);
  });

  it('serialise to the same OTLP span as an SDK span from the same input, apart from the span id', () => {
    const { root, ctx } = rootCtx();
    const t0 = Date.now() - 10;
    const viaSdk = startSpan('adeline.roi', {
      parent: ctx,
      startTime: t0,
      attributes: { 'adeline.source.id': 3 },
    });
    assert.ok(!(viaSdk instanceof LightSpan), 'no sink: the SDK makes the span');
    exercise(viaSdk, t0);
    setLightSpanSink(sink);
    const light = startSpan('adeline.roi', {
      parent: ctx,
      startTime: t0,
      attributes: { 'adeline.source.id': 3 },
    });
    assert.ok(light instanceof LightSpan, 'with a sink and an SDK parent: a light span');
    exercise(light, t0);
    root.end();
    const [a, b] = exporter.getFinishedSpans().filter((s) => s.name === 'adeline.roi');
    assert.ok(a && b, 'both spans reached the processor');
    const x = otlp(a);
    const y = otlp(b);
    assert.deepEqual(y.request.resourceSpans[0]?.resource, x.request.resourceSpans[0]?.resource);
    assert.deepEqual(
      y.request.resourceSpans[0]?.scopeSpans[0]?.scope,
      x.request.resourceSpans[0]?.scopeSpans[0]?.scope,
    );
    assert.notEqual(y.span.spanId, x.span.spanId);
    assert.match(y.span.spanId, /^[0-9a-f]{16}$/);
    // The exception event's time is "now" in both; compare everything else exactly.
    const comparable = (span: OtlpSpan) => {
      const c: Record<string, unknown> = { ...span };
      delete c.spanId;
      c.events = (span.events as Array<Record<string, unknown>>).map((e) => {
        const copy = { ...e };
        delete copy.timeUnixNano;
        return copy;
      });
      return c;
    };
    assert.deepEqual(comparable(y.span), comparable(x.span));
    assert.equal(b.status.code, SpanStatusCode.ERROR);
    assert.equal(b.parentSpanContext?.spanId, root.spanContext().spanId);
    assert.equal(b.spanContext().traceId, root.spanContext().traceId);
  });

  it('is used only under a local recording SDK span while a sink is registered', () => {
    const { root, ctx } = rootCtx();
    assert.equal(startLightSpan('x', ctx, undefined, undefined), null, 'no sink');
    setLightSpanSink(sink);
    assert.ok(startLightSpan('x', ctx, undefined, undefined), 'SDK parent');
    assert.equal(startLightSpan('x', ROOT_CONTEXT, undefined, undefined), null, 'no parent');
    const remote: SpanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
    };
    const remoteCtx = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(remote));
    assert.equal(startLightSpan('x', remoteCtx, undefined, undefined), null, 'remote parent');
    root.end();
    assert.equal(startLightSpan('x', ctx, undefined, undefined), null, 'ended parent');
    // A root or a span with links goes through the SDK even with a sink.
    assert.ok(!(startSpan('y', { parent: ctx, root: true }) instanceof LightSpan));
    assert.ok(
      !(startSpan('z', { parent: ctx, links: [{ context: remote }] }) instanceof LightSpan),
    );
  });

  it('nests: a light span is a valid parent, and its children carry its span id', () => {
    setLightSpanSink(sink);
    const { root, ctx } = rootCtx();
    const child = startSpan('child', { parent: ctx });
    const grandchild = startSpan('grandchild', { parent: trace.setSpan(ctx, child) });
    assert.ok(grandchild instanceof LightSpan);
    grandchild.end();
    child.end();
    root.end();
    const g = exporter.getFinishedSpans().find((s) => s.name === 'grandchild');
    assert.equal(g?.parentSpanContext?.spanId, child.spanContext().spanId);
  });

  it('ignores bad attribute values, calls after end and a second end; clamps an end before the start', () => {
    setLightSpanSink(sink);
    const { root, ctx } = rootCtx();
    const t0 = Date.now();
    const span = startSpan('bad', { parent: ctx, startTime: t0 }) as LightSpan;
    span.setAttribute('ok', 1);
    span.setAttribute('object', { a: 1 } as unknown as string);
    span.setAttribute('undefined', undefined);
    span.setAttribute('', 'empty key');
    span.setAttributes({ list: ['a', 'b'], mixed: [1, {} as unknown as number] });
    span.recordException({} as Error); // neither type nor message: no event, as in the SDK
    span.recordException('plain string');
    span.end(t0 - 50); // before the start
    span.end(t0 + 50); // ignored
    span.setAttribute('late', 1);
    span.addEvent('late');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'late' });
    root.end();
    const [s] = exporter.getFinishedSpans().filter((x) => x.name === 'bad');
    assert.ok(s);
    assert.equal(exporter.getFinishedSpans().filter((x) => x.name === 'bad').length, 1);
    assert.deepEqual(s.attributes, { ok: 1, list: ['a', 'b'] });
    assert.deepEqual(
      s.events.map((e) => e.attributes),
      [{ 'exception.message': 'plain string' }],
    );
    assert.deepEqual(s.duration, [0, 0]);
    assert.deepEqual(s.endTime, s.startTime);
    assert.equal(s.status.code, SpanStatusCode.UNSET);
    assert.equal(span.isRecording(), false);
  });

  it('keeps OK final and drops a non-string status message, as the SDK does', () => {
    setLightSpanSink(sink);
    const { root, ctx } = rootCtx();
    const a = startSpan('a', { parent: ctx });
    a.setStatus({ code: SpanStatusCode.OK });
    a.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
    a.end();
    const b = startSpan('b', { parent: ctx });
    b.setStatus({ code: SpanStatusCode.ERROR, message: 42 as unknown as string });
    b.end();
    root.end();
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(spans.find((s) => s.name === 'a')?.status, { code: SpanStatusCode.OK });
    assert.deepEqual(spans.find((s) => s.name === 'b')?.status, { code: SpanStatusCode.ERROR });
  });
});

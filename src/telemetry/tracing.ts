/**
 * Tracing helpers over @opentelemetry/api. Application code never touches the SDK.
 */
import {
  context,
  trace,
  ProxyTracerProvider,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type TimeInput,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { startLightSpan } from './light-span.js';
import { ATTRS } from './schema.js';
import { VERSION } from './version.js';
import { describeError, errorTypeOfUnknown } from '../domain/errors.js';

let cached: { provider: TracerProvider; tracer: Tracer } | null = null;

/**
 * The tracer of the provider registered now. Cached per provider (looking it up costs a string
 * key and a map lookup per span), and looked up again when another provider is registered (tests).
 */
export function tracer(): Tracer {
  const global = trace.getTracerProvider();
  const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (cached?.provider !== provider)
    cached = { provider, tracer: provider.getTracer('adeline', VERSION) };
  return cached.tracer;
}

export interface StartSpanOptions {
  attributes?: Attributes;
  startTime?: TimeInput;
  parent?: Context;
  root?: boolean;
  links?: Link[];
  kind?: SpanKind;
}

/**
 * Starts a span (not made active). `parent` defaults to the active context. A child of a local
 * recording span is a light span (light-span.ts); roots and spans with links go through the SDK.
 */
export function startSpan(name: string, opts: StartSpanOptions = {}): Span {
  const parent = opts.parent ?? context.active();
  if (!opts.root && !opts.links) {
    const light = startLightSpan(name, parent, opts.startTime, opts.attributes, opts.kind);
    if (light) return light;
  }
  return tracer().startSpan(
    name,
    {
      attributes: opts.attributes,
      startTime: opts.startTime,
      root: opts.root,
      links: opts.links,
      kind: opts.kind,
    },
    parent,
  );
}

/** Runs `fn` with `span` active, so logs written inside carry its trace_id and span_id. */
export function withSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** Context whose active span is `span`, for starting children explicitly. */
export function contextWith(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

/** Marks a span as failed: status ERROR, an exception event and the error.type attribute. */
export function recordSpanError(span: Span, err: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(err instanceof Error ? err : new Error(describeError(err)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(err) });
  span.setAttribute(ATTRS.errorType.name, errorTypeOfUnknown(err));
}

/** trace_id of a span or '' when there is none (telemetry off). */
export function traceIdOf(span: Span | undefined): string {
  const id = span?.spanContext().traceId ?? '';
  return /^0+$/.test(id) ? '' : id;
}

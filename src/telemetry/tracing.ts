/**
 * Tracing helpers over @opentelemetry/api. Application code never touches the SDK.
 */
import {
  context,
  trace,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TimeInput,
} from '@opentelemetry/api';
import { ATTRS } from './schema.js';
import { VERSION } from './version.js';
import { describeError, errorTypeOfUnknown } from '../domain/errors.js';

/** The tracer, looked up per use so that a provider registered later (tests) is honoured. */
export function tracer() {
  return trace.getTracer('adeline', VERSION);
}

export interface StartSpanOptions {
  attributes?: Attributes;
  startTime?: TimeInput;
  parent?: Context;
  root?: boolean;
  links?: Link[];
}

/** Starts a span (not made active). `parent` defaults to the active context. */
export function startSpan(name: string, opts: StartSpanOptions = {}): Span {
  return tracer().startSpan(
    name,
    { attributes: opts.attributes, startTime: opts.startTime, root: opts.root, links: opts.links },
    opts.parent ?? context.active(),
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

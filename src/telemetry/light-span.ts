/**
 * A light child span: the API's `Span`, made without the SDK's generic span machinery and handed
 * to the SDK's span processor when it ends, where it is exported like any other span.
 *
 * Why: every frame is a trace of eight spans, at hundreds of frames per second. The SDK's
 * `Tracer.startSpan` pays for what a stage span never needs (the tracer lookup, sampler, span
 * limits, attribute sanitising, two clocks per span): about 3 µs per span, the largest part of
 * full telemetry's cost with a fast model (docs/benchmarks.md, "Telemetry overhead"). A light span
 * costs a fraction of that.
 *
 * When: only for a child whose parent is a recording span made by the SDK (or another light span)
 * and only while sdk.ts has registered the span processor (`setLightSpanSink`). The parent's
 * sampling decision, trace id, resource and instrumentation scope are inherited, so the exported
 * span is indistinguishable from an SDK-made one (test/unit/light-span.test.ts compares them
 * through the OTLP serializer). Root spans, spans with links and spans under a remote parent go
 * through the SDK.
 *
 * Differences from SDK spans, by design: span limits (OTEL_SPAN_*_LIMIT, OTEL_ATTRIBUTE_*) are not
 * applied: stage spans carry a handful of short attributes and at most one exception event, far
 * below the limits; attribute values that are not a string, number, boolean or an array of them
 * are ignored.
 */
import { randomFillSync } from 'node:crypto';
import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import {
  hrTime,
  hrTimeDuration,
  timeInputToHrTime,
  type InstrumentationScope,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';

/** The SDK's TimedEvent, structurally. */
interface LightEvent {
  name: string;
  time: HrTime;
  attributes?: Attributes;
  droppedAttributesCount: number;
}

/**
 * What the SDK's span processor receives: its ReadableSpan, structurally (sdk.ts hands a light
 * span to the processor's onEnd without a cast, so the compiler checks the two agree).
 */
export interface LightSpanRecord {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: () => SpanContext;
  readonly parentSpanContext?: SpanContext;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: LightEvent[];
  readonly duration: HrTime;
  readonly ended: boolean;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

/** The span processor light spans go to when they end (set by sdk.ts). */
export interface LightSpanSink {
  onEnd(span: LightSpanRecord): void;
}

let sink: LightSpanSink | null = null;

/** Registers (or, with null, removes) the processor that receives ended light spans. */
export function setLightSpanSink(s: LightSpanSink | null): void {
  sink = s;
}

/** Resource and scope of a span made by the SDK (or a light span); null for any other span. */
function origin(span: Span): { resource: Resource; scope: InstrumentationScope } | null {
  const s = span as Partial<Pick<LightSpanRecord, 'resource' | 'instrumentationScope'>>;
  if (s.resource === undefined || s.instrumentationScope === undefined) return null;
  return { resource: s.resource, scope: s.instrumentationScope };
}

// Span ids: 8 random bytes each, drawn from a pool refilled 256 ids at a time.
const ID_BYTES = 8;
const POOL_IDS = 256;
const idPool = Buffer.alloc(ID_BYTES * POOL_IDS);
let idNext = POOL_IDS;

function spanId(): string {
  if (idNext === POOL_IDS) {
    randomFillSync(idPool);
    idNext = 0;
  }
  const at = idNext++ * ID_BYTES;
  const id = idPool.toString('hex', at, at + ID_BYTES);
  return id === '0000000000000000' ? spanId() : id; // all zeros is an invalid span id
}

/** A time as the SDK reads it (a number below the time origin is a performance.now() reading). */
function toHr(t: TimeInput | undefined): HrTime {
  return t === undefined ? hrTime() : timeInputToHrTime(t);
}

function isValue(v: unknown): v is AttributeValue {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return true;
  return (
    Array.isArray(v) &&
    v.every((x) => x == null || ['string', 'number', 'boolean'].includes(typeof x))
  );
}

/**
 * A light span under `parent` (see the top of the file), or null when the parent does not allow
 * one: the caller then uses the SDK's tracer.
 */
export function startLightSpan(
  name: string,
  parent: Context,
  startTime: TimeInput | undefined,
  attributes: Attributes | undefined,
  kind: SpanKind = SpanKind.INTERNAL,
): LightSpan | null {
  if (!sink) return null;
  const p = trace.getSpan(parent);
  if (!p || !p.isRecording()) return null;
  const o = origin(p);
  if (!o) return null;
  const pc = p.spanContext();
  if (pc.isRemote) return null;
  return new LightSpan(name, kind, pc, o.resource, o.scope, toHr(startTime), attributes, sink);
}

export class LightSpan implements Span, LightSpanRecord {
  readonly attributes: Attributes = {};
  readonly links: Link[] = [];
  readonly events: LightEvent[] = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  ended = false;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  private readonly context: SpanContext;

  constructor(
    public name: string,
    readonly kind: SpanKind,
    readonly parentSpanContext: SpanContext,
    readonly resource: Resource,
    readonly instrumentationScope: InstrumentationScope,
    readonly startTime: HrTime,
    attributes: Attributes | undefined,
    private readonly out: LightSpanSink,
  ) {
    this.context = {
      traceId: parentSpanContext.traceId,
      spanId: spanId(),
      traceFlags: parentSpanContext.traceFlags,
    };
    if (parentSpanContext.traceState) this.context.traceState = parentSpanContext.traceState;
    if (attributes) this.setAttributes(attributes);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (!this.ended && key.length > 0 && isValue(value)) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    const isTime =
      typeof attributesOrTime === 'number' ||
      attributesOrTime instanceof Date ||
      Array.isArray(attributesOrTime);
    const attrs = isTime || attributesOrTime === undefined ? undefined : attributesOrTime;
    const at = isTime ? (time ?? (attributesOrTime as TimeInput)) : time;
    const event: LightEvent = { name, time: toHr(at), droppedAttributesCount: 0 };
    if (attrs) {
      const clean: Attributes = {};
      for (const k of Object.keys(attrs)) if (isValue(attrs[k])) clean[k] = attrs[k];
      event.attributes = clean;
    }
    this.events.push(event);
    return this;
  }

  addLink(link: Link): this {
    if (!this.ended) this.links.push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const l of links) this.addLink(l);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this; // OK is final, as in the SDK
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    const end = toHr(endTime);
    const duration = hrTimeDuration(this.startTime, end);
    // An end before the start makes a zero-length span, as the SDK makes it.
    const backwards = duration[0] < 0;
    this.endTime = backwards ? this.startTime : end;
    this.duration = backwards ? [0, 0] : duration;
    this.ended = true;
    this.out.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  /** As the SDK: an `exception` event with exception.type, .message and .stacktrace. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message'])
      this.addEvent('exception', attributes, time);
  }
}

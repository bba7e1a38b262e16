/**
 * W3C trace context over MQTT 5: `traceparent` / `tracestate` travel as user properties, through
 * the globally registered propagator (@opentelemetry/api), like HTTP headers do.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { UserProperties } from './connection.js';

const getter: TextMapGetter<UserProperties> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v =
      carrier[key] ?? carrier[Object.keys(carrier).find((k) => k.toLowerCase() === key) ?? ''];
    return Array.isArray(v) ? v[0] : v;
  },
};

/** User properties carrying the trace context of `ctx` (the active one by default); undefined when there is none. */
export function injectUserProperties(ctx: Context = context.active()): UserProperties | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent === undefined ? undefined : carrier;
}

/** The context a message's user properties carry (ROOT_CONTEXT when they carry none or garbage). */
export function extractContext(props: UserProperties | undefined): Context {
  if (props === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, props, getter);
}

/** The remote span context a traceparent names, or undefined when it is absent or malformed. */
export function contextFromTraceparent(
  traceparent: string | undefined,
  tracestate?: string,
): Context | undefined {
  if (traceparent === undefined) return undefined;
  const carrier: UserProperties =
    tracestate === undefined ? { traceparent } : { traceparent, tracestate };
  const ctx = propagation.extract(ROOT_CONTEXT, carrier, getter);
  return trace.getSpanContext(ctx) === undefined ? undefined : ctx;
}

/** User properties for a stored traceparent/tracestate (undefined without a traceparent). */
export function traceProperties(
  traceparent: string | undefined,
  tracestate: string | undefined,
): UserProperties | undefined {
  if (traceparent === undefined) return undefined;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/** Syntax of a W3C traceparent, version 00 (also used by the tests). */
export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * An OTLP/HTTP capture server for tests: accepts the JSON the exporters POST to /v1/traces and
 * /v1/logs (STACK.md) and keeps the spans and log records.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  status?: { code?: number; message?: string };
  events?: Array<{ name: string; attributes?: unknown[] }>;
  links?: Array<{ traceId: string; spanId: string }>;
  resource: Record<string, unknown>;
}

export interface CapturedLog {
  traceId?: string;
  spanId?: string;
  severityText?: string;
  body: unknown;
  attributes: Record<string, unknown>;
}

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}

function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v)
    return ((v.arrayValue as { values?: Array<Record<string, unknown>> }).values ?? []).map(
      anyValue,
    );
  if ('kvlistValue' in v) return attrs((v.kvlistValue as { values?: KeyValue[] }).values);
  return undefined;
}

export function attrs(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

export class OtlpSink {
  readonly spans: CapturedSpan[] = [];
  readonly logs: CapturedLog[] = [];
  requests = 0;
  private server: Server | undefined;
  port = 0;

  /** Listens on `port` (default: a free one) and resolves with it. */
  async start(port = 0): Promise<number> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<
            string,
            unknown
          >;
          if (req.url?.endsWith('/v1/traces')) this.takeSpans(body);
          else if (req.url?.endsWith('/v1/logs')) this.takeLogs(body);
        } catch {
          /* non-JSON payloads are ignored */
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => this.server?.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private takeSpans(body: Record<string, unknown>): void {
    for (const rs of (body.resourceSpans as Array<Record<string, unknown>>) ?? []) {
      const resource = attrs(((rs.resource as { attributes?: KeyValue[] }) ?? {}).attributes);
      for (const ss of (rs.scopeSpans as Array<{ spans?: Array<Record<string, unknown>> }>) ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            ...(s as unknown as CapturedSpan),
            attributes: attrs(s.attributes as KeyValue[]),
            resource,
          });
        }
      }
    }
  }

  private takeLogs(body: Record<string, unknown>): void {
    for (const rl of (body.resourceLogs as Array<Record<string, unknown>>) ?? []) {
      for (const sl of (rl.scopeLogs as Array<{ logRecords?: Array<Record<string, unknown>> }>) ??
        []) {
        for (const l of sl.logRecords ?? []) {
          this.logs.push({
            traceId: l.traceId as string | undefined,
            spanId: l.spanId as string | undefined,
            severityText: l.severityText as string | undefined,
            body: anyValue(l.body as Record<string, unknown>),
            attributes: attrs(l.attributes as KeyValue[]),
          });
        }
      }
    }
  }

  /** Spans grouped by trace id. */
  traces(): Map<string, CapturedSpan[]> {
    const m = new Map<string, CapturedSpan[]>();
    for (const s of this.spans) {
      const list = m.get(s.traceId) ?? [];
      list.push(s);
      m.set(s.traceId, list);
    }
    return m;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

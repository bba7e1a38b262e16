/**
 * A live OTLP/HTTP endpoint for the benchmarks: accepts every export (200) and counts requests
 * and bytes. It parses nothing unless asked to (`captureFrames`), so that it costs as little CPU
 * as possible on the shared cores; when asked, it keeps the stage durations of every frame trace.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Span durations (ms) of one frame trace, by span name, and the frame's seq. */
export interface FrameTrace {
  seq: number | null;
  spans: Record<string, number>;
}

interface OtlpSpan {
  traceId: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: { intValue?: string | number } }>;
}

interface OtlpTraces {
  resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
}

export class CountingOtlpSink {
  requests = 0;
  bytes = 0;
  /** Keep the span durations of frame traces (parses every trace export). */
  captureFrames = false;
  readonly frames = new Map<string, FrameTrace>();
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] | null = this.captureFrames ? [] : null;
      req.on('data', (c: Buffer) => {
        this.bytes += c.length;
        chunks?.push(c);
      });
      req.on('end', () => {
        this.requests++;
        if (chunks && req.url?.endsWith('/v1/traces')) this.take(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private take(body: Buffer): void {
    let data: OtlpTraces;
    try {
      data = JSON.parse(body.toString('utf8')) as OtlpTraces;
    } catch {
      return;
    }
    for (const rs of data.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          if (!s.name.startsWith('adeline.')) continue;
          let t = this.frames.get(s.traceId);
          if (!t) this.frames.set(s.traceId, (t = { seq: null, spans: {} }));
          const ms = (Number(s.endTimeUnixNano) - Number(s.startTimeUnixNano)) / 1e6;
          t.spans[s.name] = ms;
          const seq = s.attributes?.find((a) => a.key === 'adeline.frame.seq')?.value.intValue;
          if (seq !== undefined) t.seq = Number(seq);
        }
      }
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
    this.server = undefined;
  }
}

/**
 * A live OTLP/HTTP endpoint for the benchmarks: accepts every export (200) and counts requests
 * and bytes without parsing them, so that the sink costs as little CPU as possible on the
 * shared cores (a real collector would run elsewhere or cost more).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class CountingOtlpSink {
  requests = 0;
  bytes = 0;
  readonly byPath = new Map<string, number>();
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.on('data', (c: Buffer) => (this.bytes += c.length));
      req.on('end', () => {
        this.requests++;
        const path = req.url ?? '';
        this.byPath.set(path, (this.byPath.get(path) ?? 0) + 1);
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

  snapshot(): { requests: number; bytes: number } {
    return { requests: this.requests, bytes: this.bytes };
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
    this.server = undefined;
  }
}

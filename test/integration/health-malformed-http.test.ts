import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import type { HealthCheck } from '../../src/domain/health.js';
import { HealthRegistry } from '../../src/health/registry.js';
import { HealthServer } from '../../src/health/server.js';
import { captureLogs } from '../unit/health-fakes.js';

interface RawReply {
  text: string;
  status: number | null;
  closed: boolean;
  ms: number;
}

/** Opens a raw TCP connection, sends `chunks` (then half-closes unless keepOpen), and reads until close. */
function raw(
  port: number,
  chunks: Array<string | Buffer>,
  opts: { keepOpen?: boolean; deadlineMs?: number } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const sock: Socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new Error(
          `no close within ${opts.deadlineMs ?? 5000} ms; got ${JSON.stringify(text.slice(0, 200))}`,
        ),
      );
    }, opts.deadlineMs ?? 5000);
    sock.on('data', (d: Buffer) => (text += d.toString('latin1')));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : null, closed: true, ms: Date.now() - t0 });
    });
    sock.on('connect', () => {
      for (const c of chunks) sock.write(c);
      if (!opts.keepOpen) sock.end();
    });
  });
}

describe('HealthServer against malformed HTTP', function () {
  this.timeout(30_000);
  const logs = captureLogs();
  const registry = new HealthRegistry({ logger: logs.logger });
  const ok: HealthCheck = {
    name: 'ok',
    intervalMs: 60_000,
    run: () => Promise.resolve({ status: 'healthy', message: 'ok' }),
  };
  registry.register(ok);
  const server = new HealthServer({
    registry,
    host: '127.0.0.1',
    port: 0,
    logger: logs.logger,
    headersTimeoutMs: 400,
    requestTimeoutMs: 800,
    maxHeaderSize: 8192,
  });
  const stillServes = async (): Promise<void> => {
    const r = await fetch(`http://127.0.0.1:${server.port}/health/ready`);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { status: string }).status, 'healthy');
  };

  before(async () => {
    await registry.runNow();
    await server.start();
  });
  after(async () => {
    await server.stop();
    await registry.stop();
  });

  it('answers garbage bytes with a JSON 400, closes the socket and keeps serving', async () => {
    const r = await raw(server.port, [
      Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a, 0xde, 0xad]),
    ]);
    assert.equal(r.status, 400);
    assert.match(r.text, /\r\n\r\n\{"error":"bad_request"\}$/);
    assert.ok(logs.lines.some((l) => l.event === 'http_request_rejected'));
    await stillServes();
  });

  it('answers a bad request line with a 400', async () => {
    const r = await raw(server.port, ['GET\r\n\r\n']);
    assert.equal(r.status, 400);
    const r2 = await raw(server.port, ['GET /health HTTP/9.9 extra\r\nHost: x\r\n\r\n']);
    assert.equal(r2.status, 400);
    await stillServes();
  });

  it('answers a header block larger than maxHeaderSize with a 431', async () => {
    const r = await raw(server.port, [
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]);
    assert.equal(r.status, 431);
    assert.match(r.text, /"headers_too_large"/);
    await stillServes();
  });

  it('answers control characters in the path with a 400', async () => {
    const r = await raw(server.port, ['GET /health\x01\x7f HTTP/1.1\r\nHost: x\r\n\r\n']);
    assert.equal(r.status, 400);
    await stillServes();
  });

  it('survives a client that sends half a request and hangs up', async () => {
    const r = await raw(server.port, ['GET /health/rea']);
    assert.equal(r.closed, true);
    await Promise.all(
      Array.from({ length: 20 }, () => raw(server.port, ['GET /health HTTP/1.1\r\nHo'])),
    );
    await stillServes();
  });

  it('times out a slowloris request that never finishes its headers', async () => {
    const r = await raw(server.port, ['GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1'], {
      keepOpen: true,
      deadlineMs: 5000,
    });
    assert.equal(r.status, 408);
    assert.match(r.text, /"request_timeout"/);
    assert.ok(r.ms < 4000, `closed after ${r.ms} ms`);
    await stillServes();
  });

  it('closes a connection that never sends a byte', async () => {
    const r = await raw(server.port, [], { keepOpen: true, deadlineMs: 5000 });
    assert.equal(r.closed, true);
    assert.ok(r.ms < 4000, `closed after ${r.ms} ms`);
  });

  it('keeps answering probes while many malformed connections arrive at once', async () => {
    const junk = Array.from({ length: 50 }, (_, i) =>
      raw(server.port, [i % 2 ? 'NOT HTTP AT ALL\r\n\r\n' : Buffer.alloc(64, i)]),
    );
    await stillServes();
    const replies = await Promise.all(junk);
    assert.ok(replies.every((r) => r.closed));
    await stillServes();
  });
});

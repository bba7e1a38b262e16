/**
 * The health/metrics HTTP server: Koa on health.host:health.port, optionally /metrics on a second
 * port (telemetry.metrics.port). Malformed requests (bad request lines, oversized headers, garbage,
 * slow partial requests) get a JSON 4xx and a closed socket; they never reach the process.
 */
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AdelineError, describeError } from '../domain/errors.js';
import type { Component } from '../domain/lifecycle.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { VERSION } from '../telemetry/version.js';
import { buildHealthApp, type HealthReader, type MetricsHandler } from './http-app.js';
import { requirePositive } from './validate.js';

export interface HealthServerOptions {
  registry: HealthReader;
  /** health.host */
  host: string;
  /** health.port; 0 picks a free port (read it from `port` after start()). */
  port: number;
  /** The Prometheus exporter's getMetricsRequestHandler; absent when telemetry is disabled. */
  metricsHandler?: MetricsHandler;
  /** telemetry.metrics.port: also serve /metrics there (same host). Null or absent: no second port. */
  metricsPort?: number | null;
  version?: string;
  /** Seconds since the service started; default process.uptime. */
  uptimeS?: () => number;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  logger?: Logger;
  /** Time to receive a request's headers, ms. Default 5000. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request, ms. Default 10000. */
  requestTimeoutMs?: number;
  /** Idle keep-alive sockets are closed after this, ms. Default 5000. */
  keepAliveTimeoutMs?: number;
  /** Largest request header block, bytes. Default 16384. */
  maxHeaderSize?: number;
  /** Concurrent connections per listening port. Default 256. */
  maxConnections?: number;
}

export class HealthServer implements Component {
  readonly name = 'health_server';
  private readonly opts: HealthServerOptions;
  private servers: Server[] = [];
  private ports: number[] = [];

  constructor(opts: HealthServerOptions) {
    if (typeof opts.registry?.ready !== 'function') throw new TypeError('registry must be a HealthRegistry');
    if (typeof opts.host !== 'string' || opts.host === '') throw new TypeError('host must be a non-empty string');
    checkPort('port', opts.port);
    if (opts.metricsPort !== undefined && opts.metricsPort !== null) {
      checkPort('metricsPort', opts.metricsPort);
      if (opts.metricsPort !== 0 && opts.metricsPort === opts.port) {
        throw new RangeError(`metricsPort ${opts.metricsPort} is health.port already; set telemetry.metrics.port to another port or null`);
      }
    }
    if (opts.metricsHandler !== undefined && typeof opts.metricsHandler !== 'function') {
      throw new TypeError('metricsHandler must be a function (req, res) => void');
    }
    const headers = requirePositive('headersTimeoutMs', opts.headersTimeoutMs ?? 5000);
    if (requirePositive('requestTimeoutMs', opts.requestTimeoutMs ?? 10_000) < headers) {
      throw new RangeError(`requestTimeoutMs must be >= headersTimeoutMs (${headers})`);
    }
    this.opts = opts;
  }

  /** The bound health port (after start()). */
  get port(): number {
    return this.ports[0] ?? 0;
  }

  /** The bound second metrics port, or null. */
  get metricsPort(): number | null {
    return this.ports[1] ?? null;
  }

  async start(): Promise<void> {
    if (this.servers.length > 0) return;
    const o = this.opts;
    const common = {
      registry: o.registry,
      metricsHandler: o.metricsHandler,
      version: o.version ?? VERSION,
      uptimeS: o.uptimeS ?? (() => process.uptime()),
      now: o.now ?? Date.now,
      logger: () => this.logger(),
    };
    const targets: Array<{ port: number; metricsOnly: boolean }> = [{ port: o.port, metricsOnly: false }];
    if (o.metricsPort !== undefined && o.metricsPort !== null) targets.push({ port: o.metricsPort, metricsOnly: true });
    try {
      for (const t of targets) {
        const server = this.createHttpServer(buildHealthApp({ ...common, metricsOnly: t.metricsOnly }).callback());
        this.servers.push(server);
        this.ports.push(await listen(server, o.host, t.port));
        server.on('error', (err) => logEvent(this.logger(), 'http_request_failed', 'health server error', { error: describeError(err) }));
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Closes the listeners and every open socket. Idempotent. */
  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    this.ports = [];
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s.listening) return resolve();
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  private createHttpServer(handler: Parameters<typeof createServer>[1]): Server {
    const o = this.opts;
    const headersTimeout = o.headersTimeoutMs ?? 5000;
    const server = createServer(
      {
        headersTimeout,
        requestTimeout: o.requestTimeoutMs ?? 10_000,
        keepAliveTimeout: o.keepAliveTimeoutMs ?? 5000,
        maxHeaderSize: o.maxHeaderSize ?? 16_384,
        connectionsCheckingInterval: Math.min(1000, headersTimeout),
      },
      handler,
    );
    server.maxConnections = o.maxConnections ?? 256;
    // A socket that never sends a complete request is closed after the request timeout.
    server.setTimeout(o.requestTimeoutMs ?? 10_000, (socket) => socket.destroy());
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => this.rejectClient(err, socket));
    return server;
  }

  /** Answers a request Node could not parse with a JSON 4xx and closes the socket. */
  private rejectClient(err: NodeJS.ErrnoException, socket: Duplex): void {
    const code = err.code ?? 'unknown';
    logEvent(this.logger(), 'http_request_rejected', 'malformed HTTP request rejected', { code });
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({ error: status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'bad_request' });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  }

  private logger(): Logger {
    return this.opts.logger ?? getLogger('health');
  }
}

function checkPort(name: string, port: unknown): void {
  if (typeof port !== 'number' || !Number.isInteger(port)) throw new TypeError(`${name} must be an integer, got ${String(port)}`);
  if (port < 0 || port > 65535) throw new RangeError(`${name} must be 0–65535, got ${port}`);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(listenError(err, host, port));
    };
    const onListening = (): void => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): AdelineError {
  const where = `${host}:${port}`;
  const fix: Record<string, string> = {
    EADDRINUSE: `the address is in use; stop the other process or set health.port (or telemetry.metrics.port) to a free port, or 0 to pick one`,
    EACCES: `permission denied; use a port above 1023 or run with the right to bind it`,
    EADDRNOTAVAIL: `no interface has this address; set health.host to 127.0.0.1, 0.0.0.0 or a local address`,
    ENOTFOUND: `the host name does not resolve; set health.host to an IP address`,
  };
  const why = fix[err.code ?? ''] ?? `${describeError(err)}; check health.host and health.port`;
  return new AdelineError('ADELINE_ERR_HTTP_LISTEN', `health server cannot listen on ${where}: ${why}`, {
    cause: err,
    details: { host, port, code: err.code },
  });
}

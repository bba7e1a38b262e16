/**
 * The health/metrics HTTP server: Koa on health.host:health.port, optionally /metrics on a second
 * port (telemetry.metrics.port). Malformed requests (bad request lines, oversized headers, garbage,
 * slow partial requests) get a JSON 4xx and a closed socket; they never reach the process.
 */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { describeError } from '../domain/errors.js';
import type { Component } from '../domain/lifecycle.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { VERSION } from '../telemetry/version.js';
import type { Middleware } from 'koa';
import { buildHealthApp, type HealthReader, type MetricsHandler } from './http-app.js';
import { rejectClient } from './client-error.js';
import { checkPort, listen } from './listen.js';
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
  /** More routes on the main port (the live view, mounted by app/). */
  routes?: Middleware | undefined;
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
    if (typeof opts.registry?.ready !== 'function')
      throw new TypeError('registry must be a HealthRegistry');
    if (typeof opts.host !== 'string' || opts.host === '')
      throw new TypeError('host must be a non-empty string');
    checkPort('port', opts.port);
    if (opts.metricsPort !== undefined && opts.metricsPort !== null) {
      checkPort('metricsPort', opts.metricsPort);
      if (opts.metricsPort !== 0 && opts.metricsPort === opts.port) {
        throw new RangeError(
          `metricsPort ${opts.metricsPort} is health.port already; set telemetry.metrics.port to another port or null`,
        );
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
      routes: o.routes,
      version: o.version ?? VERSION,
      uptimeS: o.uptimeS ?? (() => process.uptime()),
      now: o.now ?? Date.now,
      logger: () => this.logger(),
    };
    const targets: Array<{ port: number; metricsOnly: boolean }> = [
      { port: o.port, metricsOnly: false },
    ];
    if (o.metricsPort !== undefined && o.metricsPort !== null)
      targets.push({ port: o.metricsPort, metricsOnly: true });
    try {
      for (const t of targets) {
        const server = this.createHttpServer(
          buildHealthApp({ ...common, metricsOnly: t.metricsOnly }).callback(),
        );
        this.servers.push(server);
        this.ports.push(await listen(server, o.host, t.port));
        server.on('error', (err) =>
          logEvent(this.logger(), 'http_request_failed', 'health server error', {
            error: describeError(err),
          }),
        );
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
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) =>
      rejectClient(err, socket, this.logger()),
    );
    return server;
  }

  private logger(): Logger {
    return this.opts.logger ?? getLogger('health');
  }
}

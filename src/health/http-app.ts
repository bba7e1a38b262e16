/**
 * The Koa application behind the health server. Probes only read the registry's cached results.
 * Every error answer is JSON: 404 {error: 'not_found', path}, 405 {error: 'method_not_allowed'},
 * 500 {error: 'internal_error'} (never a stack or an error message).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type { Context, Middleware, Next } from 'koa';
import { Router } from '@koa/router';
import { describeError } from '../domain/errors.js';
import { logEvent, type Logger } from '../telemetry/logger.js';
import { detailedBody, httpStatusOf, probeBody } from './render.js';
import type { HealthView, ReadyView } from './registry.js';

/** What the endpoints read: a HealthRegistry fits. */
export interface HealthReader {
  overall(): HealthView;
  live(): HealthView;
  ready(): ReadyView;
  isShuttingDown(): boolean;
}

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HealthAppOptions {
  registry: HealthReader;
  /** The Prometheus exporter's getMetricsRequestHandler; absent: /metrics answers 503. */
  metricsHandler?: MetricsHandler;
  /** Serve only /metrics (the second metrics port). */
  metricsOnly?: boolean;
  /** More routes, mounted by app/ on the main port before the health routes (the live view). */
  routes?: Middleware | undefined;
  version: string;
  uptimeS: () => number;
  now: () => number;
  logger: () => Logger;
}

function json(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/json';
  ctx.body = body;
}

export function buildHealthApp(opts: HealthAppOptions): Koa {
  const app = new Koa();
  app.silent = true;
  app.on('error', (err: unknown) => {
    logEvent(opts.logger(), 'http_request_rejected', 'health server error', {
      error: describeError(err),
    });
  });
  app.use(errorsAsJson(opts));
  if (opts.routes && !opts.metricsOnly) app.use(opts.routes);

  const router = new Router();
  if (!opts.metricsOnly) {
    router.get('/health', (ctx) => {
      const { status } = opts.registry.overall();
      ctx.status = httpStatusOf(status);
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = status;
    });
    router.get('/health/detailed', (ctx) => {
      const view = opts.registry.overall();
      const meta = {
        nowMs: opts.now(),
        version: opts.version,
        uptimeS: opts.uptimeS(),
        shuttingDown: opts.registry.isShuttingDown(),
      };
      json(ctx, httpStatusOf(view.status), detailedBody(view, meta));
    });
    router.get('/health/live', (ctx) => {
      const view = opts.registry.live();
      json(ctx, httpStatusOf(view.status), probeBody(view));
    });
    router.get('/health/ready', (ctx) => {
      const view = opts.registry.ready();
      json(ctx, httpStatusOf(view.status), probeBody(view));
    });
  }
  router.get('/metrics', (ctx) => {
    const handler = opts.metricsHandler;
    if (!handler) {
      json(ctx, 503, {
        error: 'metrics_unavailable',
        message: 'telemetry is disabled; /metrics has nothing to serve',
      });
      return;
    }
    ctx.respond = false;
    try {
      handler(ctx.req, ctx.res);
    } catch (err) {
      logEvent(opts.logger(), 'http_request_failed', 'metrics handler failed', {
        path: ctx.path,
        error: describeError(err),
      });
      if (!ctx.res.headersSent) {
        ctx.res
          .writeHead(500, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: 'internal_error' }));
      } else {
        ctx.res.destroy();
      }
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Outermost middleware: JSON 404/405, and a stack-free 500 for anything thrown. */
function errorsAsJson(opts: HealthAppOptions) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      logEvent(opts.logger(), 'http_request_failed', 'health request failed', {
        method: ctx.method,
        path: ctx.path,
        error: describeError(err),
      });
      json(ctx, 500, { error: 'internal_error' });
      return;
    }
    if (ctx.respond === false || ctx.body != null) return;
    if (ctx.status === 404) json(ctx, 404, { error: 'not_found', path: ctx.path });
    else if (ctx.status === 405) {
      json(ctx, 405, {
        error: 'method_not_allowed',
        method: ctx.method,
        allow: ctx.response.get('Allow'),
      });
    } else if (ctx.status === 501) json(ctx, 501, { error: 'not_implemented', method: ctx.method });
  };
}

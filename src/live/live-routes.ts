/**
 * The live view's HTTP routes, as one Koa middleware mounted on the health server:
 * `/` redirects to `/live`; `/live` (page), `/live/app.js`, `/live/style.css` and `/live/events`
 * (the event stream) require the configured auth. Every answer carries a strict
 * Content-Security-Policy (no inline script or style, nothing from another origin) and no-store.
 */
import type { Context, Middleware, Next } from 'koa';
import { addMetric } from '../telemetry/metrics.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { challenge, checkAuth, type AuthOutcome, type LiveAuth } from './live-auth.js';
import { LIVE_CSS, LIVE_HTML, LIVE_ICON } from './live-page.js';
import { LIVE_SCRIPT } from './live-script.js';

const log = getLogger('live-view');

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, { type: string; body: string }> = {
  '/live': { type: 'text/html; charset=utf-8', body: LIVE_HTML },
  '/live/': { type: 'text/html; charset=utf-8', body: LIVE_HTML },
  '/live/app.js': { type: 'text/javascript; charset=utf-8', body: LIVE_SCRIPT },
  '/live/style.css': { type: 'text/css; charset=utf-8', body: LIVE_CSS },
  '/live/favicon.svg': { type: 'image/svg+xml', body: LIVE_ICON },
};

export interface LiveRoutesOptions {
  auth: LiveAuth;
  maxViewers: number;
  viewers: () => number;
  /** Takes over the response for an event stream. */
  openStream: (ctx: Context) => void;
  now?: () => number;
}

type Rejection = 'unauthorized' | 'bad_auth_header' | 'too_many_viewers';

export function liveRoutes(o: LiveRoutesOptions): Middleware {
  const now = o.now ?? Date.now;
  const lastLogged = new Map<Rejection, number>();
  const reject = (ctx: Context, reason: Rejection, status: number, message: string): void => {
    addMetric('liveRequestsRejected', 1, { reason });
    const t = now();
    if (t - (lastLogged.get(reason) ?? -Infinity) >= 60_000) {
      lastLogged.set(reason, t);
      logEvent(log, 'live_view_rejected', `live view request refused (${reason}): ${message}`, {
        reason,
        path: ctx.path,
        status,
      });
    }
    ctx.status = status;
    ctx.type = 'application/json';
    ctx.body = { error: reason, message };
  };
  return async (ctx: Context, next: Next): Promise<void> => {
    const path = ctx.path;
    if (path === '/' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.status = 302;
      ctx.redirect('/live');
      return;
    }
    if (path !== '/live' && !path.startsWith('/live/')) return next();
    secure(ctx);
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = 405;
      ctx.type = 'application/json';
      ctx.body = { error: 'method_not_allowed', method: ctx.method, allow: 'GET, HEAD' };
      return;
    }
    const outcome: AuthOutcome = checkAuth(o.auth, ctx.get('Authorization') || undefined);
    if (outcome !== 'ok') {
      const c = challenge(o.auth);
      if (c) ctx.set('WWW-Authenticate', c);
      if (outcome === 'malformed')
        return reject(
          ctx,
          'bad_auth_header',
          401,
          describeAuth(o.auth, 'the Authorization header cannot be read'),
        );
      return reject(
        ctx,
        'unauthorized',
        401,
        describeAuth(
          o.auth,
          outcome === 'missing' ? 'credentials are missing' : 'the credentials are wrong',
        ),
      );
    }
    if (path === '/live/events') {
      if (o.viewers() >= o.maxViewers)
        return reject(
          ctx,
          'too_many_viewers',
          503,
          `${o.maxViewers} viewers are connected already (live_view.max_viewers); close one or raise the limit`,
        );
      o.openStream(ctx);
      return;
    }
    const asset = ASSETS[path];
    if (!asset) {
      ctx.status = 404;
      ctx.type = 'application/json';
      ctx.body = { error: 'not_found', path };
      return;
    }
    ctx.status = 200;
    ctx.type = asset.type;
    ctx.body = asset.body;
  };
}

function describeAuth(auth: LiveAuth, why: string): string {
  const how =
    auth.mode === 'bearer'
      ? 'send "Authorization: Bearer <live_view.auth.token>"'
      : 'log in with live_view.auth.username and its password';
  return `${why}; ${how}`;
}

function secure(ctx: Context): void {
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.set('Cache-Control', 'no-store');
}

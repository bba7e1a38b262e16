/**
 * Whether the live view is on (live_view.enabled: true, false or auto for a health.host), and the
 * URL to print for it. Light on purpose: the CLI reads it without loading the service.
 */
import { isIP } from 'node:net';
import type { AdelineConfig } from '../config/schema.js';

export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export function liveViewEnabled(enabled: boolean | 'auto', healthHost: string): boolean {
  return enabled === 'auto' ? isLoopbackHost(healthHost) : enabled;
}

/** Whether the live view is served: live_view.enabled for health.host, and the health server on. */
export function liveViewOn(c: AdelineConfig): boolean {
  return c.health.enabled && liveViewEnabled(c.live_view.enabled, c.health.host);
}

/** Where to open `path` on the health server (a wildcard host is shown as loopback). */
export function localUrl(host: string, port: number, path: string): string {
  const h = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}${path}`;
}

/** Whether live_view.enabled (true, false or auto) turns the live view on for a health.host. */
import { isIP } from 'node:net';

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

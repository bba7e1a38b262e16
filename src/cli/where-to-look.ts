/** What `adeline run` prints once the service has started: where to look at it. */
import { localUrl } from '../live/live-enabled.js';
import { redactUrl } from '../planes/broker-url.js';

export interface WhereToLook {
  healthHost: string;
  /** Bound health port, or null when the health server is off. */
  healthPort: number | null;
  liveView: boolean;
  brokerUrl: string | null;
  /** The --config file, if one was used (the monitor reads topics and credentials from it). */
  configFile: string | null;
}

export function formatWhereToLook(w: WhereToLook): string {
  const rows: Array<[string, string]> = [];
  if (w.healthPort !== null) {
    const url = (path: string) => localUrl(w.healthHost, w.healthPort as number, path);
    rows.push(['live view', w.liveView ? url('/live') : 'off (live_view.enabled)']);
    rows.push(['health', url('/health/detailed')]);
    rows.push(['metrics', url('/metrics')]);
  } else {
    rows.push(['health', 'off (health.enabled)']);
  }
  const parts = ['adeline monitor'];
  if (w.configFile) parts.push('-c', quote(w.configFile));
  if (w.brokerUrl) parts.push('--broker', quote(redactUrl(w.brokerUrl)));
  rows.push(['monitor', parts.join(' ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    'Adeline is running. Where to look:',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
  ].join('\n');
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

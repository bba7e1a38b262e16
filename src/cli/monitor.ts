/**
 * `adeline monitor data|status|all`: prints detection, metrics, status and availability messages
 * as readable lines (or the raw JSON with --json), and per-class totals on exit (SIGINT or --count).
 */
import { ToolClient } from '../planes/tool-client.js';
import {
  brokerForCli,
  consoleIo,
  parseToolArgs,
  printErrorTo,
  quietLogs,
  usageError,
  type CliIo,
} from './control.js';
import { table } from './output.js';

const HELP = `Usage: adeline monitor [data|status|all] [options]

Prints the messages Adeline publishes. data: detections and metrics; status: status replies and
availability; all (default): both. Per-class totals are printed on exit (Ctrl-C or --count).

Options:
  --broker URL     broker to use (default: from the config; the embedded broker's address)
  -c, --config F   config file for topics, credentials and TLS (default: ADELINE_CONFIG or none)
  --json           print each message's JSON unchanged, one per line (totals go to stderr)
  --count N        exit after N messages
  --timeout MS     how long to wait for the broker at start (default 5000)
  --verbose        log MQTT connection events to stderr
  -h, --help       this text`;

type Kind = 'detections' | 'metrics' | 'status' | 'availability';

interface Totals {
  messages: Record<Kind, number>;
  framesWithDetections: number;
  classes: Map<string, number>;
}

export async function runMonitor(
  args: string[],
  io: CliIo = consoleIo,
  signal?: AbortSignal,
): Promise<number> {
  const parsed = parseToolArgs(
    args,
    { json: { type: 'boolean' }, count: { type: 'string' } },
    HELP,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const what = positionals[0] ?? 'all';
  if (!['data', 'status', 'all'].includes(what) || positionals.length > 1) {
    return usageError(io, `monitor data, status or all, not "${positionals.join(' ')}"`, HELP);
  }
  const count = values.count === undefined ? Infinity : Number(values.count);
  const timeoutMs = Number(values.timeout ?? 5000);
  if (!(count === Infinity || (Number.isInteger(count) && count > 0)))
    return usageError(io, `--count must be a positive integer, got ${String(values.count)}`, HELP);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    return usageError(
      io,
      `--timeout must be a positive number of milliseconds, got ${String(values.timeout)}`,
      HELP,
    );
  quietLogs(values.verbose === true);

  let client: ToolClient;
  let kinds: Map<string, Kind>;
  try {
    const { url, mqtt } = brokerForCli(
      values.broker as string | undefined,
      values.config as string | undefined,
    );
    const t = mqtt.topics;
    kinds = new Map<string, Kind>();
    if (what !== 'status') kinds.set(t.data, 'detections').set(t.metrics, 'metrics');
    if (what !== 'data') kinds.set(t.control_status, 'status').set(t.availability, 'availability');
    client = await ToolClient.open({ url, mqtt, role: 'monitor', timeoutMs, reconnect: true });
  } catch (err) {
    printErrorTo(io, err);
    return 2;
  }
  const totals: Totals = {
    messages: { detections: 0, metrics: 0, status: 0, availability: 0 },
    framesWithDetections: 0,
    classes: new Map(),
  };
  let seen = 0;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSigint = (): void => stop();
  process.once('SIGINT', onSigint);
  signal?.addEventListener('abort', onSigint, { once: true });
  client.onMessage((topic, payload) => {
    const kind = kinds.get(topic);
    if (kind === undefined || seen >= count) return;
    seen += 1;
    const text = payload.toString('utf8');
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    count1(totals, kind, msg);
    if (values.json) io.out(msg === undefined ? JSON.stringify(text) : text);
    else
      io.out(
        msg === undefined && kind !== 'availability'
          ? `[${kind}] non-JSON payload (${payload.byteLength} bytes)`
          : describe(kind, msg ?? text),
      );
    if (seen >= count) stop();
  });
  try {
    await client.subscribe([...kinds.keys()], 1);
    await stopped;
  } finally {
    process.off('SIGINT', onSigint);
    await client.close();
  }
  printTotals(values.json ? io.err : io.out, totals);
  return 0;
}

function count1(t: Totals, kind: Kind, msg: unknown): void {
  t.messages[kind] += 1;
  if (kind !== 'detections' || typeof msg !== 'object' || msg === null) return;
  const dets = (msg as { detections?: unknown }).detections;
  if (!Array.isArray(dets) || dets.length === 0) return;
  t.framesWithDetections += 1;
  for (const d of dets as Array<{ class?: unknown }>) {
    const c = typeof d?.class === 'string' ? d.class : '?';
    t.classes.set(c, (t.classes.get(c) ?? 0) + 1);
  }
}

const time = (ts: unknown): string => (typeof ts === 'string' ? ts.slice(11, 23) : '--:--:--.---');
const num = (v: unknown, digits: number): string =>
  typeof v === 'number' ? v.toFixed(digits) : '?';

function describe(kind: Kind, m: unknown): string {
  if (kind === 'availability') return `[availability] ${String(m)}`;
  const o = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
  if (kind === 'detections') {
    const f = (o.frame ?? {}) as Record<string, unknown>;
    const dets = Array.isArray(o.detections)
      ? (o.detections as Array<Record<string, unknown>>)
      : [];
    const list = dets
      .map(
        (d) =>
          `${String(d.class)} ${num(d.confidence, 2)}${d.track_id === undefined ? '' : ` (track ${String(d.track_id)})`}`,
      )
      .join(', ');
    return `[det] ${time(o.timestamp)} #${String(o.message_id)} src ${String(f.source_id)} frame ${String(f.frame_id)}  ${dets.length === 0 ? 'no detections' : `${dets.length}: ${list}`}`;
  }
  if (kind === 'metrics') {
    const reports = Array.isArray(o.latency_reports)
      ? (o.latency_reports as Array<Record<string, unknown>>)
      : [];
    const per = reports.map(
      (r) =>
        `#${String(r.source_id)} decode ${num(r.frame_decoding_latency_ms, 1)} ms, inference ${num(r.inference_latency_ms, 1)} ms, e2e ${num(r.e2e_latency_ms, 1)} ms`,
    );
    return `[metrics] ${time(o.timestamp)} ${num(o.throughput_fps, 1)} fps, ${String(o.sources_count)} sources${per.length ? `; ${per.join('; ')}` : ''}`;
  }
  const e = o.error as { code?: string; message?: string } | undefined;
  const about = [
    o.command === undefined ? '' : `command=${String(o.command)}`,
    o.request_id === undefined ? '' : `request=${String(o.request_id)}`,
  ]
    .filter(Boolean)
    .join(' ');
  const detail = e ? ` ${e.code ?? ''}: ${e.message ?? ''}` : '';
  return `[status] ${time(o.timestamp)} ${String(o.status)}${detail}${about ? `  ${about}` : ''}  (${String(o.client_id)})`;
}

function printTotals(write: (line: string) => void, t: Totals): void {
  const m = t.messages;
  write(
    `Totals: ${m.detections} detection messages (${t.framesWithDetections} with detections), ${m.metrics} metrics, ${m.status} status, ${m.availability} availability`,
  );
  if (t.classes.size === 0) return;
  const rows = [...t.classes].sort((a, b) => b[1] - a[1]).map(([c, n]) => [c, n]);
  write(table(rows, ['class', 'detections']));
}

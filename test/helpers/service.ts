/**
 * Runs the real service (bin/adeline run, built dist/) as a child process for integration tests,
 * with a temp spool, free ports and telemetry pointed where the test says. Parses its JSON log lines.
 */
import { join } from 'node:path';
import { startAdeline, tempDir, type Proc } from './processes.js';
import { waitFor } from './wait.js';

export interface LogLine {
  level: string;
  event?: string;
  msg?: string;
  trace_id?: string;
  span_id?: string;
  [k: string]: unknown;
}

export interface ServiceRun {
  proc: Proc;
  spoolDir: string;
  /** JSON log lines written so far. */
  logs(): LogLine[];
  /** Waits for a log line with this event (and matching predicate). */
  waitForEvent(event: string, pred?: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** The health server port, once the service has started. */
  healthPort(): Promise<number>;
  /** GET a path on the health server; resolves with status and body text. */
  get(path: string): Promise<{ status: number; body: string }>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

export interface ServiceRunOptions {
  /** Extra CLI args (e.g. ['--frames', '10']). */
  args?: string[];
  /** --set overrides, applied after the test defaults. */
  set?: Record<string, string | number | boolean>;
  env?: NodeJS.ProcessEnv;
  /**
   * OTLP endpoint; default a closed port (export fails quietly). Given one, the service exports
   * http/json, which the capture server (otlp-sink.ts) parses, unless `set` says otherwise.
   */
  otlpEndpoint?: string;
  /** Broker URL; default the embedded broker on a free port. */
  brokerUrl?: string;
  spoolDir?: string;
}

export function startService(opts: ServiceRunOptions = {}): ServiceRun {
  const spoolDir = opts.spoolDir ?? join(tempDir('adeline-spool-'), 'spool');
  const set: Record<string, string | number | boolean> = {
    'health.port': 0,
    'mqtt.embedded.port': 0,
    'spool.dir': spoolDir,
    'telemetry.otlp.endpoint': opts.otlpEndpoint ?? 'http://127.0.0.1:9',
    ...(opts.otlpEndpoint ? { 'telemetry.otlp.protocol': 'http/json' } : {}),
    'telemetry.otlp.timeout_ms': 500,
    'telemetry.traces.scheduled_delay_ms': 100,
    'telemetry.metrics.host': false,
    'logging.pretty': 'never',
    ...(opts.brokerUrl ? { 'mqtt.broker.url': opts.brokerUrl } : {}),
    ...opts.set,
  };
  const args = [
    'run',
    '--no-progress',
    ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`]),
    ...(opts.args ?? []),
  ];
  const proc = startAdeline(args, { env: { ...process.env, ...opts.env } });
  const logs = (): LogLine[] =>
    proc
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return [];
        }
      });
  const run: ServiceRun = {
    proc,
    spoolDir,
    logs,
    waitForEvent: (event, pred = () => true, timeoutMs = 20_000) =>
      waitFor(
        () => {
          if (proc.child.exitCode !== null)
            throw new Error(
              `adeline exited (${proc.child.exitCode}): ${proc.stderr().slice(-2000)}`,
            );
          return logs().find((l) => l.event === event && pred(l));
        },
        { timeoutMs, what: `log event ${event}` },
      ),
    async healthPort() {
      const l = await run.waitForEvent('service_started');
      return Number(l.health_port);
    },
    async get(path) {
      const port = await run.healthPort();
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    },
    stop: (signal = 'SIGTERM', timeoutMs = 15_000) => proc.stop(signal, timeoutMs),
  };
  return run;
}

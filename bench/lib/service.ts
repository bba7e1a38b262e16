/**
 * Runs the real service as a child process, exactly as a user does: `bin/adeline run`, built
 * dist/, the OTel SDK loaded with --import (so telemetry is wired as in production). Settings go
 * in as --set flags; logs (JSON lines at info) are read from stdout to learn the health port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from '../../test/helpers/processes.js';
import { cpuSeconds, rssBytes } from './proc.js';
import { scrape, type Scrape } from './prom.js';

export type TelemetryMode = 'off' | 'live' | 'dead';

export interface ServiceSpec {
  model: string;
  telemetry: TelemetryMode;
  /** OTLP endpoint for 'live' (the counting sink) and for 'dead' (a closed port). */
  otlpEndpoint: string;
  brokerUrl: string;
  /** --source URLs; default: the synthetic scene, not live (frames as fast as taken). */
  sources?: string[];
  /** Extra --set overrides, applied last. */
  set?: Record<string, string | number | boolean>;
  /** --frames; default a large cap (the bench stops the run with SIGTERM). */
  frames?: number;
  summaryJson?: string;
  /** Directory for --cpu-prof profiles of every thread; none = no profiling. */
  cpuProfDir?: string;
  /** A YAML config file (--config), e.g. for pipeline.sources with loop: true. */
  configFile?: string;
  /** Extra environment variables of the child (MALLOC_ARENA_MAX, NODE_OPTIONS…). */
  env?: Record<string, string>;
}

/** Settings every benchmark run shares. */
function baseSettings(spec: ServiceSpec): Record<string, string | number | boolean> {
  return {
    'models.local_path': spec.model,
    'mqtt.broker.url': spec.brokerUrl,
    'health.host': '127.0.0.1',
    'health.port': 0,
    'spool.dir': join(tempDir('adeline-bench-spool-'), 'spool'),
    'logging.level': 'info',
    'logging.pretty': 'never',
    'shutdown.grace_period': 5,
    'pipeline.max_fps': 0,
    'synthetic.live': false,
    'telemetry.enabled': spec.telemetry !== 'off',
    'telemetry.otlp.endpoint': spec.otlpEndpoint,
  };
}

/** The child's environment: no OTEL_* or ADELINE_* leaking in from the shell. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('OTEL_') || k.startsWith('ADELINE_') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export function serviceArgs(spec: ServiceSpec): string[] {
  const set = { ...baseSettings(spec), ...spec.set };
  const args = ['run', '--no-progress', '--frames', String(spec.frames ?? 10_000_000)];
  if (spec.configFile) args.push('--config', spec.configFile);
  for (const [k, v] of Object.entries(set)) args.push('--set', `${k}=${String(v)}`);
  for (const s of spec.sources ?? []) args.push('--source', s);
  if (spec.summaryJson) args.push('--summary-json', spec.summaryJson);
  return args;
}

export class ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<number | string>;
  private readonly tail: string[] = [];
  private stderrText = '';
  private port: number | null = null;
  private portWaiters: Array<(p: number) => void> = [];

  constructor(readonly spec: ServiceSpec) {
    const env: Record<string, string> = { ...spec.env };
    if (spec.cpuProfDir) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${spec.cpuProfDir}`;
    this.child = spawn(join(REPO_ROOT, 'bin', 'adeline'), serviceArgs(spec), {
      cwd: REPO_ROOT,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, sig) => resolve(code ?? sig ?? -1));
      this.child.once('error', (e) => {
        this.stderrText += String(e);
        resolve(-1);
      });
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderrText = (this.stderrText + d.toString()).slice(-20_000);
    });
  }

  private onLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 50) this.tail.shift();
    if (this.port !== null || !line.includes('"service_started"')) return;
    try {
      const rec = JSON.parse(line) as { health_port?: number };
      if (typeof rec.health_port === 'number') {
        this.port = rec.health_port;
        for (const w of this.portWaiters.splice(0)) w(rec.health_port);
      }
    } catch {
      /* not JSON */
    }
  }

  /** Resolves with the health port once the service logs service_started. */
  started(timeoutMs = 60_000): Promise<number> {
    if (this.port !== null) return Promise.resolve(this.port);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(this.failure(`not started after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.portWaiters.push((p) => {
        clearTimeout(t);
        resolve(p);
      });
      void this.exited.then((code) => {
        clearTimeout(t);
        reject(this.failure(`exited (${code}) before it started`));
      });
    });
  }

  get healthPort(): number {
    if (this.port === null) throw new Error('the service has not started yet');
    return this.port;
  }

  metrics(): Promise<Scrape> {
    return scrape(this.healthPort);
  }

  cpuSeconds(): number {
    return cpuSeconds(this.pid);
  }

  rssBytes(): number {
    return rssBytes(this.pid);
  }

  stderr(): string {
    return this.stderrText;
  }

  failure(what: string): Error {
    const logs = this.tail.slice(-10).join('\n');
    return new Error(`adeline (pid ${this.pid}) ${what}\n${this.stderrText.slice(-2000)}\n${logs}`);
  }

  /** SIGTERM (graceful), then SIGKILL after timeoutMs; resolves with the exit code. */
  async stop(timeoutMs = 15_000): Promise<number | string> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      const code = await this.exited;
      clearTimeout(t);
      return code;
    }
    return this.exited;
  }
}

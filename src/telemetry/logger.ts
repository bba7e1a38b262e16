/**
 * Structured logging with pino. JSON lines on stdout, pretty on a TTY. When the OTel SDK is
 * loaded first (telemetry/bootstrap.ts), @opentelemetry/instrumentation-pino adds trace_id and
 * span_id to every line written inside a span, and sends the records over OTLP.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import { LOG_EVENTS, type LogEvent } from './schema.js';

export type { Logger } from 'pino';

/** Paths redacted from every log line (STYLE: secrets never reach the logs). */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'mqtt.broker.password',
  'broker.password',
  'headers',
  '*.headers',
  'telemetry.otlp.headers',
  'authorization',
  '*.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** 'auto' pretty-prints when stdout is a TTY. */
  pretty?: 'auto' | 'always' | 'never';
  /** Where to write; default stdout. Pretty output is one line per record (`singleLine`). */
  destination?: NodeJS.WritableStream;
}

let root: Logger | undefined;
/** Children of the current root, by component; rebuilt when the root is reconfigured. */
const children = new Map<string, Logger>();
/** Stable per-component handles: modules keep them from import time across reconfiguration. */
const handles = new Map<string, Logger>();

function build(opts: LoggerOptions): Logger {
  const wantPretty =
    opts.pretty === 'always' || (opts.pretty !== 'never' && process.stdout.isTTY === true);
  const level = (opts.level ?? process.env.ADELINE_LOG_LEVEL ?? 'info').toLowerCase();
  const base = {
    level,
    base: { service: 'adeline', pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (wantPretty)
    return pino(
      base,
      pretty({ colorize: true, destination: opts.destination ?? 1, sync: true, singleLine: true }),
    );
  if (opts.destination) return pino(base, opts.destination);
  return pino(base, pino.destination({ dest: 1, sync: false }));
}

/** (Re)configures the root logger. Call once at startup, before components log. */
export function configureLogger(opts: LoggerOptions): Logger {
  root = build(opts);
  children.clear();
  return root;
}

export function rootLogger(): Logger {
  root ??= build({ pretty: process.env.ADELINE_LOG_PRETTY === '1' ? 'always' : 'auto' });
  return root;
}

function currentChild(component: string): Logger {
  let child = children.get(component);
  if (!child) {
    child = rootLogger().child({ component });
    children.set(component, child);
  }
  return child;
}

/**
 * The logger of one component; every line carries `component`. The handle stays valid when
 * configureLogger() replaces the root later (modules take it at import time).
 */
export function getLogger(component: string): Logger {
  let handle = handles.get(component);
  if (!handle) {
    handle = new Proxy({} as Logger, {
      get(_t, prop) {
        const child = currentChild(component);
        const v: unknown = Reflect.get(child, prop, child);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(child) : v;
      },
      set(_t, prop, value) {
        return Reflect.set(currentChild(component), prop, value);
      },
    });
    handles.set(component, handle);
  }
  return handle;
}

/** Changes the level of the root and every component logger at once; returns the old level. */
export function setLogLevel(level: string): string {
  const normal = normaliseLevel(level);
  const log = rootLogger();
  const previous = log.level;
  log.level = normal;
  for (const child of children.values()) child.level = normal;
  return previous;
}

const LEVEL_ALIASES: Record<string, LevelWithSilent> = { warning: 'warn', critical: 'fatal' };
const LEVELS: readonly LevelWithSilent[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];

/** Validates a level name (Python names accepted); throws RangeError naming the valid ones. */
export function normaliseLevel(level: string): LevelWithSilent {
  const l = level.trim().toLowerCase();
  const normal = LEVEL_ALIASES[l] ?? l;
  if (!(LEVELS as readonly string[]).includes(normal)) {
    throw new RangeError(`log level "${level}" is not valid; use one of ${LEVELS.join(', ')}`);
  }
  return normal as LevelWithSilent;
}

/** Logs a registered event at its registered level. `fields` must not hold secrets. */
export function logEvent(
  log: Logger,
  event: LogEvent,
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  const level = LOG_EVENTS[event].level;
  if (!log.isLevelEnabled(level)) return;
  log[level]({ event, ...fields }, msg);
}

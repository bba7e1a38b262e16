/**
 * `adeline control <command>`: sends one control command (QoS 1, with a request_id and a
 * traceparent) and prints the matching reply from the status topic.
 * Exit codes: 0 ok reply, 1 error reply, 2 timeout, connection failure or usage error.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AdelineError } from '../domain/errors.js';
import { VALID_COMMANDS } from '../planes/commands/table.js';
import { ToolClient } from '../planes/tool-client.js';
import type { StatusMessage } from '../planes/status-message.js';
import { injectUserProperties } from '../planes/trace-carrier.js';
import { loadConfig } from '../config/index.js';
import { embeddedUrl, resolveBrokerUrl, type MqttConfig } from '../planes/broker-url.js';
import { configureLogger } from '../telemetry/logger.js';

/** Where the MQTT tools write (tests pass their own). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** One line, no stack: `adeline: error [CODE]: message`. */
export function printErrorTo(io: CliIo, err: unknown): void {
  if (err instanceof AdelineError) io.err(`adeline: error [${err.code}]: ${err.message}`);
  else io.err(`adeline: error: ${err instanceof Error ? err.message : String(err)}`);
}

export function usageError(io: CliIo, problem: string, help: string): number {
  io.err(`adeline: error [ADELINE_ERR_USAGE]: ${problem}\n\n${help}`);
  return 2;
}

type ToolOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;
type ToolArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/**
 * Parses the options the MQTT tools share (--broker, -c/--config, --timeout, --verbose, -h/--help)
 * and `extra`. Answers --help and malformed options itself: then it returns the exit status.
 */
export function parseToolArgs(
  args: string[],
  extra: ToolOptions,
  help: string,
  io: CliIo,
): ToolArgs | number {
  let parsed: ToolArgs;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        broker: { type: 'string' },
        config: { type: 'string', short: 'c' },
        timeout: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...extra,
      },
    }) as ToolArgs;
  } catch (err) {
    return usageError(io, (err as Error).message, help);
  }
  if (parsed.values.help) {
    io.out(help);
    return 0;
  }
  return parsed;
}

/** The tools print their own lines; the service's log lines go to stderr only with --verbose. */
export function quietLogs(verbose: boolean): void {
  configureLogger({
    level: verbose ? 'debug' : 'silent',
    pretty: 'never',
    destination: process.stderr,
  });
}

/** The broker URL and mqtt config the tools use: --broker, else what the config (file, env) says. */
export function brokerForCli(
  brokerFlag: string | undefined,
  configFile: string | undefined,
): { url: string; mqtt: MqttConfig } {
  const { config } = loadConfig({ file: configFile });
  const mqtt: MqttConfig =
    brokerFlag === undefined
      ? config.mqtt
      : { ...config.mqtt, broker: { ...config.mqtt.broker, url: brokerFlag } };
  const target = resolveBrokerUrl(mqtt);
  if (target.kind === 'external') return { url: target.url, mqtt };
  if (target.port === 0) {
    throw new AdelineError(
      'ADELINE_ERR_USAGE',
      'the config runs the embedded broker on a random port (mqtt.embedded.port 0); pass --broker mqtt://HOST:PORT',
    );
  }
  return { url: embeddedUrl(target.host, target.port), mqtt };
}

const HELP = `Usage: adeline control <command> [options]

Sends a control command to a running Adeline and prints its reply.

Commands: ${VALID_COMMANDS.join(', ')}

Options:
  --broker URL     broker to use (default: from the config; the embedded broker's address)
  -c, --config F   config file for topics, credentials and TLS (default: ADELINE_CONFIG or none)
  --level L        log level, for set_log_level (trace, debug, info, warn, error, fatal, silent)
  --timeout MS     how long to wait for the reply (default 5000)
  --json           print the reply as JSON
  --verbose        log MQTT connection events to stderr
  -h, --help       this text

Exit status: 0 the command succeeded, 1 the service replied with an error, 2 no reply in time,
no broker, or a usage error. Credentials: MQTT_USERNAME / MQTT_PASSWORD or the config.`;

export async function runControlCommand(args: string[], io: CliIo = consoleIo): Promise<number> {
  const parsed = parseToolArgs(
    args,
    { level: { type: 'string' }, json: { type: 'boolean' } },
    HELP,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const command = positionals[0]?.trim().toLowerCase();
  if (command === undefined || positionals.length > 1) {
    return usageError(
      io,
      command === undefined
        ? 'name a command'
        : `one command at a time, got ${positionals.join(' ')}`,
      HELP,
    );
  }
  const timeoutMs = Number(values.timeout ?? 5000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    return usageError(
      io,
      `--timeout must be 1–600000 milliseconds, got ${String(values.timeout)}`,
      HELP,
    );
  }
  if (command === 'set_log_level' && typeof values.level !== 'string') {
    return usageError(io, 'set_log_level needs --level (e.g. --level debug)', HELP);
  }
  quietLogs(values.verbose === true);

  let client: ToolClient | undefined;
  try {
    const { url, mqtt } = brokerForCli(
      values.broker as string | undefined,
      values.config as string | undefined,
    );
    client = await ToolClient.open({ url, mqtt, role: 'cli', timeoutMs, reconnect: false });
    const requestId = randomUUID();
    const traceparent =
      injectUserProperties()?.traceparent ??
      `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const started = Date.now();
    const reply = waitForReply(client, mqtt.topics.control_status, requestId, timeoutMs);
    await client.subscribe([mqtt.topics.control_status], 1);
    const body: Record<string, unknown> = { command, request_id: requestId };
    if (typeof values.level === 'string') body.level = values.level;
    await client.publish(mqtt.topics.control_commands, JSON.stringify(body), {
      qos: 1,
      userProperties: { traceparent: traceparent as string },
    });
    const msg = await reply;
    if (msg === null) {
      io.err(
        `adeline: error: no reply to "${command}" on ${mqtt.topics.control_status} within ${timeoutMs} ms; is the service running and connected to ${url}?`,
      );
      return 2;
    }
    print(io, msg, values.json === true, {
      ms: Date.now() - started,
      traceId: String(traceparent).split('-')[1] ?? '',
    });
    return msg.status === 'error' ? 1 : 0;
  } catch (err) {
    printErrorTo(io, err);
    return 2;
  } finally {
    await client?.close();
  }
}

function waitForReply(
  client: ToolClient,
  topic: string,
  requestId: string,
  timeoutMs: number,
): Promise<StatusMessage | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), timeoutMs);
    const off = client.onMessage((t, payload) => {
      if (t !== topic) return;
      try {
        const msg = JSON.parse(payload.toString('utf8')) as StatusMessage;
        if (msg.request_id === requestId) done(msg);
      } catch {
        /* someone else's garbage on the status topic */
      }
    });
    function done(v: StatusMessage | null): void {
      clearTimeout(timer);
      off();
      resolve(v);
    }
  });
}

function print(
  io: CliIo,
  msg: StatusMessage,
  json: boolean,
  meta: { ms: number; traceId: string },
): void {
  if (json) {
    io.out(JSON.stringify(msg));
    return;
  }
  if (msg.status === 'error') {
    io.err(
      `adeline: ${msg.command ?? 'command'} failed [${msg.error?.code ?? 'unknown'}]: ${msg.error?.message ?? ''}`,
    );
    return;
  }
  io.out(
    `${msg.command ?? 'command'}: ${msg.status}  (${meta.ms} ms, trace ${meta.traceId}, from ${msg.client_id})`,
  );
  if (msg.result !== undefined) {
    for (const line of JSON.stringify(msg.result, null, 2).split('\n')) io.out(`  ${line}`);
  }
}

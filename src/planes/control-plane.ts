/**
 * The control plane: commands in on topics.control_commands (QoS 1), one status reply out for
 * every command on topics.control_status, availability online/offline (offline is the last
 * will), `connected` on every (re)connect and `disconnected` on stop(). Commands run one at a
 * time in arrival order, each in an `adeline.command` span that continues the sender's trace.
 */
import type { ServiceController } from '../domain/control.js';
import { AdelineError, describeError, errorTypeOf, isAdelineError } from '../domain/errors.js';
import type { Component } from '../domain/lifecycle.js';
import { connectionView, type PlaneHealthView } from './health-view.js';
import { addMetric } from '../telemetry/metrics.js';
import { ATTRS, SPANS } from '../telemetry/schema.js';
import { recordSpanError, startSpan, withSpan } from '../telemetry/tracing.js';
import type { Span } from '@opentelemetry/api';
import type { MqttConfig } from './broker-url.js';
import { MqttConnection, type UserProperties } from './connection.js';
import { CommandRejected, parseCommand, type ParsedCommand } from './commands/parse.js';
import { COMMANDS, VALID_COMMANDS } from './commands/table.js';
import type { CommandContext } from './commands/types.js';
import { CommandLog } from './command-log.js';
import { StatusPublisher } from './status-publisher.js';
import { extractContext } from './trace-carrier.js';
import { deadline, settleWithin } from './async-utils.js';
import type { StatusMessage } from './status-message.js';

export interface ControlPlaneOptions {
  mqtt: MqttConfig;
  /** Broker URL (resolveBrokerUrl / embeddedUrl). */
  url: string;
  controller: ServiceController;
  /** Overrides mqtt.protocol_version (4 for the embedded broker). */
  protocolVersion?: 4 | 5;
  env?: NodeJS.ProcessEnv;
  /** Commands waiting to run at most; beyond it a command gets an ADELINE_ERR_COMMAND_BUSY reply. Default 1000. */
  maxPending?: number;
  /** Longest a command may run before it gets an ADELINE_ERR_COMMAND_FAILED reply, ms. Default 10000. */
  commandTimeoutMs?: number;
}

interface Pending {
  payload: Buffer;
  props: UserProperties | undefined;
}

export class ControlPlane implements Component {
  readonly name = 'control-plane';
  readonly connection: MqttConnection;
  private readonly out: StatusPublisher;
  private readonly ctx: CommandContext;
  private readonly log = new CommandLog();
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: ControlPlaneOptions) {
    const t = o.mqtt.topics;
    this.connection = new MqttConnection({
      role: 'control',
      url: o.url,
      mqtt: o.mqtt,
      protocolVersion: o.protocolVersion,
      env: o.env,
      will: { topic: t.availability, payload: 'offline', qos: 1, retain: true },
    });
    this.out = new StatusPublisher(this.connection, o.mqtt);
    this.ctx = {
      controller: o.controller,
      metricsTopic: t.metrics,
      publishMetrics: (msg) => this.out.publishMetrics(msg),
    };
    this.connection.onConnect(() => this.onConnect());
    this.connection.onMessage((topic, payload, props) => {
      if (topic === t.control_commands) this.enqueue(payload, props);
    });
  }

  /** Connects (never throws because the broker is away; the connection state reports it). */
  async start(): Promise<void> {
    await this.connection.start();
  }

  /** Idempotent: lets running commands finish (≤ 2 s), publishes `disconnected` and `offline`, disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    if (this.draining) await settleWithin(this.draining, 2000);
    if (this.connection.isConnected()) {
      await settleWithin(
        Promise.allSettled([this.out.status('disconnected'), this.out.availability('offline')]),
        2000,
      );
    }
    await this.out.settle(2000);
    await this.connection.stop();
  }

  /** For the mqtt_control health check (src/health/checks/mqtt-plane.ts, whenDisconnected: degraded). */
  healthView(): PlaneHealthView {
    return connectionView(this.connection);
  }

  private async onConnect(): Promise<void> {
    try {
      await this.connection.subscribe(this.o.mqtt.topics.control_commands, 1);
    } catch (err) {
      this.log.failed(
        'subscribe',
        isAdelineError(err)
          ? err
          : new AdelineError('ADELINE_ERR_MQTT_CONNECT', describeError(err)),
      );
    }
    await Promise.allSettled([this.out.availability('online'), this.out.status('connected')]);
  }

  private enqueue(payload: Buffer, props: UserProperties | undefined): void {
    if (this.stopped) return;
    if (this.queue.length >= (this.o.maxPending ?? 1000)) {
      const err = new AdelineError(
        'ADELINE_ERR_COMMAND_BUSY',
        `${this.queue.length} commands are waiting; this one was refused, retry later`,
      );
      this.count('invalid', err);
      this.out.reply(this.errorReply(err, undefined, undefined));
      return;
    }
    this.queue.push({ payload, props });
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    for (let m = this.queue.shift(); m !== undefined; m = this.queue.shift()) {
      const span = startSpan(SPANS.command.name, {
        parent: extractContext(m.props),
        attributes: {
          [ATTRS.messagingSystem.name]: 'mqtt',
          [ATTRS.messagingDestination.name]: this.o.mqtt.topics.control_commands,
        },
      });
      await withSpan(span, () => this.handle(m.payload, span));
      span.end();
    }
    this.draining = null;
  }

  /** Never throws: every path ends in a reply (or a log line when replying is impossible). */
  private async handle(payload: Buffer, span: Span): Promise<void> {
    let cmd: ParsedCommand;
    try {
      cmd = parseCommand(payload);
    } catch (err) {
      const e =
        err instanceof CommandRejected ? err : new CommandRejected('not_json', describeError(err));
      return this.refuse(span, e, e.requestId, undefined, {
        reason: e.reason,
        bytes: payload.byteLength,
      });
    }
    span.setAttribute(ATTRS.command.name, cmd.name);
    if (!Object.hasOwn(COMMANDS, cmd.name)) {
      const e = new AdelineError(
        'ADELINE_ERR_COMMAND_UNKNOWN',
        `unknown command "${cmd.name}"; valid commands: ${VALID_COMMANDS.join(', ')}`,
      );
      return this.refuse(span, e, cmd.requestId, cmd.name, { reason: 'unknown_command' });
    }
    this.log.received(cmd.name, cmd.requestId);
    try {
      const ms = this.o.commandTimeoutMs ?? 10_000;
      const outcome = await deadline(
        COMMANDS[cmd.name]!(this.ctx, cmd),
        ms,
        () =>
          new AdelineError(
            'ADELINE_ERR_COMMAND_FAILED',
            `command "${cmd.name}" did not finish within ${ms} ms`,
          ),
      );
      span.setAttribute(ATTRS.commandOutcome.name, 'ok');
      addMetric('commands', 1, { command: cmd.name, outcome: 'ok' });
      const reply: StatusMessage = this.out.message(outcome.status, {
        command: cmd.name,
        ...idOf(cmd.requestId),
      });
      if (outcome.result !== undefined) reply.result = outcome.result;
      this.out.reply(reply);
    } catch (err) {
      const e = isAdelineError(err)
        ? err
        : new AdelineError(
            err instanceof RangeError || err instanceof TypeError
              ? 'ADELINE_ERR_COMMAND_INVALID'
              : 'ADELINE_ERR_COMMAND_FAILED',
            `command "${cmd.name}" failed: ${describeError(err)}`,
            { cause: err },
          );
      recordSpanError(span, e);
      span.setAttribute(ATTRS.commandOutcome.name, 'error');
      this.count(cmd.name, e);
      this.log.failed(cmd.name, e, cmd.requestId);
      this.out.reply(this.errorReply(e, cmd.name, cmd.requestId));
    }
  }

  private refuse(
    span: Span,
    e: AdelineError,
    requestId: string | number | undefined,
    name: string | undefined,
    fields: Record<string, unknown>,
  ): void {
    recordSpanError(span, e);
    span.setAttribute(ATTRS.commandOutcome.name, 'error');
    this.count('invalid', e);
    this.log.invalid(e, { ...fields, ...(name === undefined ? {} : { command: name }) });
    this.out.reply(this.errorReply(e, name, requestId));
  }

  private errorReply(
    e: AdelineError,
    command: string | undefined,
    requestId: string | number | undefined,
  ): StatusMessage {
    return this.out.message('error', {
      ...(command === undefined ? {} : { command }),
      ...idOf(requestId),
      error: { code: e.code, message: e.message },
      valid_commands: [...VALID_COMMANDS],
    });
  }

  private count(command: string, e: AdelineError): void {
    addMetric('commands', 1, { command, outcome: 'error' });
    addMetric('errors', 1, { error_type: errorTypeOf(e.code), component: 'control_plane' });
  }
}

function idOf(requestId: string | number | undefined): { request_id?: string | number } {
  return requestId === undefined ? {} : { request_id: requestId };
}

/**
 * Runs one control payload to exactly one reply: parse → look up → run (with a deadline) →
 * reply ok or error. Each run is an `adeline.command` span, a child of the sender's trace when
 * the message carried a traceparent. Bad input is logged (under a budget) and counted.
 */
import type { Span } from '@opentelemetry/api';
import { AdelineError, describeError, errorTypeOf, isAdelineError } from '../domain/errors.js';
import { addMetric } from '../telemetry/metrics.js';
import { ATTRS, SPANS } from '../telemetry/schema.js';
import { recordSpanError, startSpan, withSpan } from '../telemetry/tracing.js';
import { deadline } from './async-utils.js';
import { CommandLog } from './command-log.js';
import { CommandRejected, parseCommand, type ParsedCommand } from './commands/parse.js';
import { COMMANDS, VALID_COMMANDS } from './commands/table.js';
import type { CommandContext } from './commands/types.js';
import type { UserProperties } from './connection.js';
import type { StatusMessage } from './status-message.js';
import type { StatusPublisher } from './status-publisher.js';
import { extractContext } from './trace-carrier.js';

type RequestId = string | number | undefined;

export class CommandRunner {
  readonly log = new CommandLog();

  constructor(
    private readonly ctx: CommandContext,
    private readonly out: StatusPublisher,
    private readonly topic: string,
    private readonly timeoutMs: number,
  ) {}

  /** Never throws: every path ends in a reply. */
  async run(payload: Buffer, props: UserProperties | undefined): Promise<void> {
    const span = startSpan(SPANS.command.name, {
      parent: extractContext(props),
      attributes: {
        [ATTRS.messagingSystem.name]: 'mqtt',
        [ATTRS.messagingDestination.name]: this.topic,
      },
    });
    try {
      await withSpan(span, () => this.handle(payload, span));
    } finally {
      span.end();
    }
  }

  /** Refuses a command without running it (the queue is full). */
  refuse(e: AdelineError): void {
    this.count('invalid', e);
    this.out.reply(this.errorReply(e, undefined, undefined));
  }

  private async handle(payload: Buffer, span: Span): Promise<void> {
    let cmd: ParsedCommand;
    try {
      cmd = parseCommand(payload);
    } catch (err) {
      const e =
        err instanceof CommandRejected ? err : new CommandRejected('not_json', describeError(err));
      return this.reject(span, e, e.requestId, undefined, {
        reason: e.reason,
        bytes: payload.byteLength,
      });
    }
    span.setAttribute(ATTRS.command.name, cmd.name);
    if (!Object.hasOwn(COMMANDS, cmd.name)) {
      const msg = `unknown command "${cmd.name}"; valid commands: ${VALID_COMMANDS.join(', ')}`;
      const e = new AdelineError('ADELINE_ERR_COMMAND_UNKNOWN', msg);
      return this.reject(span, e, cmd.requestId, cmd.name, { reason: 'unknown_command' });
    }
    this.log.received(cmd.name, cmd.requestId);
    try {
      const late = (): Error =>
        new AdelineError(
          'ADELINE_ERR_COMMAND_FAILED',
          `command "${cmd.name}" did not finish within ${this.timeoutMs} ms`,
        );
      const outcome = await deadline(COMMANDS[cmd.name]!(this.ctx, cmd), this.timeoutMs, late);
      span.setAttribute(ATTRS.commandOutcome.name, 'ok');
      addMetric('commands', 1, { command: cmd.name, outcome: 'ok' });
      const reply: StatusMessage = this.out.message(outcome.status, {
        command: cmd.name,
        ...idOf(cmd.requestId),
      });
      if (outcome.result !== undefined) reply.result = outcome.result;
      this.out.reply(reply);
    } catch (err) {
      const e = asCommandError(cmd.name, err);
      recordSpanError(span, e);
      span.setAttribute(ATTRS.commandOutcome.name, 'error');
      this.count(cmd.name, e);
      this.log.failed(cmd.name, e, cmd.requestId);
      this.out.reply(this.errorReply(e, cmd.name, cmd.requestId));
    }
  }

  private reject(
    span: Span,
    e: AdelineError,
    requestId: RequestId,
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
    requestId: RequestId,
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

/** AdelineErrors pass; RangeError/TypeError from the controller are bad arguments; the rest failed. */
function asCommandError(name: string, err: unknown): AdelineError {
  if (isAdelineError(err)) return err;
  const code =
    err instanceof RangeError || err instanceof TypeError
      ? 'ADELINE_ERR_COMMAND_INVALID'
      : 'ADELINE_ERR_COMMAND_FAILED';
  return new AdelineError(code, `command "${name}" failed: ${describeError(err)}`, { cause: err });
}

function idOf(requestId: RequestId): { request_id?: string | number } {
  return requestId === undefined ? {} : { request_id: requestId };
}

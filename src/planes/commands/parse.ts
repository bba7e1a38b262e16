/**
 * Parses one control payload: at most 64 KiB (checked before any decoding), strict UTF-8, a JSON
 * object with a string `command`. Names are trimmed and lower-cased (Python behaviour).
 */
import { AdelineError } from '../../domain/errors.js';

export const MAX_COMMAND_BYTES = 64 * 1024;
const MAX_NAME = 64;
const MAX_REQUEST_ID = 128;

export interface ParsedCommand {
  name: string;
  requestId: string | number | undefined;
  /** The whole JSON object (arguments such as `level` live here). */
  body: Record<string, unknown>;
}

/** Why a payload was rejected (log field), with the error to reply with. */
export type RejectReason = 'too_large' | 'not_utf8' | 'not_json' | 'wrong_shape';

export class CommandRejected extends AdelineError {
  constructor(
    readonly reason: RejectReason,
    message: string,
    readonly requestId: string | number | undefined = undefined,
    readonly commandName: string | undefined = undefined,
  ) {
    super('ADELINE_ERR_COMMAND_INVALID', message, { details: { reason } });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function requestIdOf(v: unknown): string | number | undefined {
  if (typeof v === 'string' && v.length > 0 && v.length <= MAX_REQUEST_ID) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

/** Returns the command, or throws CommandRejected naming the problem. */
export function parseCommand(payload: Uint8Array): ParsedCommand {
  if (payload.byteLength > MAX_COMMAND_BYTES) {
    throw new CommandRejected(
      'too_large',
      `payload is ${payload.byteLength} bytes; a command is at most ${MAX_COMMAND_BYTES} bytes of JSON`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    throw new CommandRejected(
      'not_utf8',
      'payload is not UTF-8 text; send JSON such as {"command":"status"}',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CommandRejected(
      'not_json',
      `payload is not valid JSON (${(err as Error).message}); send JSON such as {"command":"status"}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new CommandRejected(
      'wrong_shape',
      `payload is ${got}; it must be a JSON object such as {"command":"status"}`,
    );
  }
  const body = value as Record<string, unknown>;
  const rawId = body.request_id;
  const requestId = requestIdOf(rawId);
  if (rawId !== undefined && requestId === undefined) {
    throw new CommandRejected(
      'wrong_shape',
      `"request_id" must be a non-empty string of at most ${MAX_REQUEST_ID} characters or a number`,
    );
  }
  const cmd = body.command;
  if (cmd === undefined)
    throw new CommandRejected('wrong_shape', 'the "command" field is missing', requestId);
  if (typeof cmd !== 'string')
    throw new CommandRejected(
      'wrong_shape',
      `the "command" field must be a string, not ${cmd === null ? 'null' : typeof cmd}`,
      requestId,
    );
  const name = cmd.trim().toLowerCase();
  if (name.length === 0 || name.length > MAX_NAME) {
    throw new CommandRejected(
      'wrong_shape',
      `the "command" field must be 1–${MAX_NAME} characters`,
      requestId,
    );
  }
  return { name, requestId, body };
}

/**
 * Error registry (STYLE.md 6): every error the service raises on purpose has a stable code,
 * a message that says what to do, and an optional cause. `docs/errors.md` documents each code;
 * test/unit/errors.test.ts keeps the two in step, and checks that every code is raised in src/.
 */

/**
 * Every code with its one-line meaning. A list of pairs, not an object: the code is a value here,
 * so a duplicate is possible and test/unit/errors.test.ts can catch it.
 */
export const ERROR_LIST = [
  ['ADELINE_ERR_USAGE', 'The command line is wrong (unknown flag, missing argument).'],
  [
    'ADELINE_ERR_CONFIG',
    'The configuration failed validation; every problem is listed with its key path.',
  ],
  ['ADELINE_ERR_CONFIG_FILE', 'The configuration file is missing, unreadable or not valid YAML.'],
  ['ADELINE_ERR_MODEL_NOT_FOUND', 'The model file does not exist.'],
  [
    'ADELINE_ERR_MODEL_UNREADABLE',
    'The model file exists but cannot be read (permissions, a directory).',
  ],
  [
    'ADELINE_ERR_MODEL_FORMAT',
    'The model file is not a valid ONNX model, or ONNX Runtime cannot load it.',
  ],
  ['ADELINE_ERR_MODEL_LAYOUT', 'The model outputs match no known detector layout.'],
  ['ADELINE_ERR_LABELS', 'The labels file is missing or malformed.'],
  ['ADELINE_ERR_SOURCE_NOT_FOUND', 'A video file source does not exist.'],
  [
    'ADELINE_ERR_SOURCE_UNREACHABLE',
    'A stream source cannot be opened (connection refused, DNS, timeout).',
  ],
  ['ADELINE_ERR_SOURCE_DECODE', 'ffmpeg could not decode the source.'],
  ['ADELINE_ERR_FFMPEG_MISSING', 'ffmpeg/ffprobe is not installed or not on PATH.'],
  ['ADELINE_ERR_INFERENCE', 'An inference run failed.'],
  [
    'ADELINE_ERR_INFERENCE_TIMEOUT',
    'An inference run took longer than resilience.inference.timeout_ms.',
  ],
  ['ADELINE_ERR_WORKER_CRASHED', 'The inference worker thread exited unexpectedly.'],
  [
    'ADELINE_ERR_MODEL_UNAVAILABLE',
    'The inference circuit breaker is open; frames are not inferred.',
  ],
  ['ADELINE_ERR_MQTT_CONNECT', 'The MQTT broker cannot be reached.'],
  ['ADELINE_ERR_MQTT_AUTH', 'The MQTT broker refused the credentials or the client certificate.'],
  ['ADELINE_ERR_MQTT_PUBLISH', 'An MQTT publish failed.'],
  ['ADELINE_ERR_BROKER_PORT_IN_USE', 'The embedded MQTT broker cannot listen on its port.'],
  [
    'ADELINE_ERR_COMMAND_INVALID',
    'A control command payload is not valid JSON of the right shape.',
  ],
  ['ADELINE_ERR_COMMAND_UNKNOWN', 'A control command names no known command.'],
  ['ADELINE_ERR_COMMAND_NOT_APPLICABLE', 'A control command does not apply to the current mode.'],
  [
    'ADELINE_ERR_COMMAND_FAILED',
    'A control command failed while it ran (the service keeps running).',
  ],
  [
    'ADELINE_ERR_COMMAND_BUSY',
    'Too many control commands are waiting; the command was refused, retry later.',
  ],
  ['ADELINE_ERR_SPOOL_IO', 'The disk spool cannot be written or read.'],
  [
    'ADELINE_ERR_TELEMETRY_EXPORT',
    'An OTLP export of traces or logs failed, or was skipped while the export breaker is open (counted, logged once).',
  ],
  ['ADELINE_ERR_HTTP_LISTEN', 'The health/metrics HTTP server cannot listen on its address.'],
  [
    'ADELINE_ERR_LIFECYCLE',
    'A component was used out of order (before start(), after stop()): a bug; please report it.',
  ],
] as const satisfies readonly (readonly [`ADELINE_ERR_${string}`, string])[];

export type ErrorCode = (typeof ERROR_LIST)[number][0];

/** Code → meaning (docs/errors.md is rendered from it). */
export const ERROR_CODES: Readonly<Record<ErrorCode, string>> = Object.freeze(
  Object.fromEntries(ERROR_LIST) as Record<ErrorCode, string>,
);

export interface AdelineErrorOptions {
  cause?: unknown;
  /** Structured details for logs and replies (never secrets). */
  details?: Record<string, unknown>;
}

/** An expected failure with a stable code and a message that names the thing and the fix. */
export class AdelineError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AdelineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AdelineError';
    this.code = code;
    this.details = options.details;
  }

  /** The `error_type` metric label: the code without its prefix, lower-case. */
  get errorType(): string {
    return errorTypeOf(this.code);
  }
}

export function errorTypeOf(code: ErrorCode): string {
  return code.replace(/^ADELINE_ERR_/, '').toLowerCase();
}

/** `error_type` label for any thrown value. */
export function errorTypeOfUnknown(err: unknown): string {
  return err instanceof AdelineError ? err.errorType : 'internal';
}

export function isAdelineError(err: unknown, code?: ErrorCode): err is AdelineError {
  return err instanceof AdelineError && (code === undefined || err.code === code);
}

/** A one-line, stack-free description of any thrown value, for logs and replies. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Why a resilience policy, not the protected call, failed a call. */
export type RejectionKind = 'breaker_open' | 'bulkhead_full' | 'timeout';

const REJECTION_KINDS: readonly string[] = ['breaker_open', 'bulkhead_full', 'timeout'];

/**
 * The RejectionKind of an error thrown by a policy of src/resilience/policies.ts (an AdelineError
 * with details.rejection set), or undefined for any other error: the one place that reads it.
 */
export function rejectionKindOf(err: unknown): RejectionKind | undefined {
  if (!(err instanceof AdelineError)) return undefined;
  const kind = err.details?.['rejection'];
  return typeof kind === 'string' && REJECTION_KINDS.includes(kind)
    ? (kind as RejectionKind)
    : undefined;
}

import type { ServiceController } from '../../domain/control.js';
import type { MetricsMessage } from '../metrics-message.js';
import type { StatusValue } from '../status-message.js';
import type { ParsedCommand } from './parse.js';

/** What a command handler may use. */
export interface CommandContext {
  controller: ServiceController;
  /** Publishes a metrics message on topics.metrics (QoS 0). */
  publishMetrics(msg: MetricsMessage): Promise<void>;
  metricsTopic: string;
}

/** What a handler returns: the reply's status and its result. Errors are thrown (AdelineError). */
export interface CommandOutcome {
  status: StatusValue;
  result?: unknown;
}

export type CommandHandler = (ctx: CommandContext, cmd: ParsedCommand) => Promise<CommandOutcome>;

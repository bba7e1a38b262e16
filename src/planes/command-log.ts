/**
 * Log lines of the control plane, under one budget (log-budget.ts) so that a flood of commands
 * or garbage cannot flood the log. Metrics count every command regardless.
 */
import type { AdelineError } from '../domain/errors.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { LogBudget } from './log-budget.js';

export class CommandLog {
  private readonly log = (): Logger => getLogger('control-plane');
  private readonly budget = new LogBudget(50, 10_000);

  received(command: string, requestId: string | number | undefined): void {
    const s = this.budget.take();
    if (s === null) return;
    logEvent(this.log(), 'command_received', `command ${command}`, {
      command,
      request_id: requestId,
      ...suppressed(s),
    });
  }

  invalid(e: AdelineError, fields: Record<string, unknown>): void {
    const s = this.budget.take();
    if (s === null) return;
    logEvent(this.log(), 'command_invalid', e.message, {
      code: e.code,
      ...fields,
      ...suppressed(s),
    });
  }

  failed(command: string, e: AdelineError, requestId?: string | number): void {
    const s = this.budget.take();
    if (s === null) return;
    logEvent(this.log(), 'command_failed', e.message, {
      command,
      code: e.code,
      request_id: requestId,
      ...suppressed(s),
    });
  }
}

function suppressed(n: number): { suppressed_lines?: number } {
  return n > 0 ? { suppressed_lines: n } : {};
}

/**
 * The last control commands and their replies, for the live view. Fed with every reply the
 * control plane publishes; keeps a bounded ring; results are summarised (one line, cut short)
 * and URL passwords in them are masked.
 */
import { maskUrlPasswords } from './mask-text.js';

/** The fields of a control reply the live view shows (planes/status-message.ts fits). */
export interface ReplyLike {
  status: string;
  timestamp: string;
  command?: string;
  request_id?: string | number;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface CommandEntry {
  at: string;
  command: string;
  request_id: string | number | null;
  status: string;
  /** The error code and message, or a one-line summary of the result. */
  detail: string;
}

const DETAIL_CHARS = 160;

export class CommandHistory {
  private readonly entries: CommandEntry[] = [];

  constructor(private readonly size: number) {}

  record(reply: ReplyLike): void {
    if (this.size === 0) return;
    this.entries.push({
      at: String(reply.timestamp),
      command: reply.command ?? '(unparsed)',
      request_id: reply.request_id ?? null,
      status: reply.status,
      detail: maskUrlPasswords(detailOf(reply)),
    });
    if (this.entries.length > this.size) this.entries.shift();
  }

  /** Newest first. */
  list(): CommandEntry[] {
    return [...this.entries].reverse();
  }
}

function detailOf(reply: ReplyLike): string {
  if (reply.error) return cut(`${reply.error.code}: ${reply.error.message}`);
  if (reply.result === undefined) return '';
  try {
    return cut(JSON.stringify(reply.result) ?? '');
  } catch {
    return '(result not shown)';
  }
}

function cut(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > DETAIL_CHARS ? `${one.slice(0, DETAIL_CHARS - 1)}…` : one;
}

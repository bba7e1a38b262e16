/** Shared CLI output helpers: one-line errors without stack traces, simple tables. */
import { AdelineError, describeError } from '../domain/errors.js';

export function printError(err: unknown): void {
  if (err instanceof AdelineError) {
    console.error(`adeline: error [${err.code}]: ${err.message}`);
  } else if (err instanceof RangeError || err instanceof TypeError) {
    console.error(`adeline: error: ${err.message}`);
  } else {
    console.error(`adeline: error: ${describeError(err)}`);
  }
}

/** Left-aligned text table. */
export function table(rows: Array<Array<string | number>>, header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const r of all)
    r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  const fmt = (r: Array<string | number>) =>
    r
      .map((c, i) => String(c).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = all.map(fmt);
  if (header) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

export function hasHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

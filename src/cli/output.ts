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

/**
 * `adeline GROUP SUB FILE …` for a group with one subcommand: the arguments after SUB, or the
 * exit status once `help` is printed (2 when nothing was given, 0 for --help). Another
 * subcommand throws ADELINE_ERR_USAGE naming the one that exists.
 */
export function subcommandArgs(
  args: string[],
  group: string,
  sub: string,
  help: string,
): string[] | number {
  const [first, ...rest] = args;
  if (first === undefined || hasHelp(args)) {
    console.log(help);
    return first === undefined ? 2 : 0;
  }
  if (first !== sub)
    throw new AdelineError(
      'ADELINE_ERR_USAGE',
      `unknown subcommand "${group} ${first}"; use 'adeline ${group} ${sub} FILE'`,
    );
  return rest;
}

/** Renders docs/errors.md's table from the error registry. */
import { ERROR_CODES, errorTypeOf, type ErrorCode } from '../../src/domain/errors.js';

export function renderErrorTable(): string {
  const out = ['| code | `error_type` label | meaning |', '|---|---|---|'];
  for (const [code, desc] of Object.entries(ERROR_CODES))
    out.push(`| \`${code}\` | \`${errorTypeOf(code as ErrorCode)}\` | ${desc} |`);
  return out.join('\n') + '\n';
}

/**
 * One zod issue as a sentence for the config error (ADELINE_ERR_CONFIG): what the key accepts and
 * what it got. Unions (mqtt.qos.*, mqtt.protocol_version) list every allowed value instead of
 * zod's bare "Invalid input".
 */

export interface ZodIssueLike {
  code: string;
  message: string;
  path: PropertyKey[];
  expected?: unknown;
  values?: unknown[];
  input?: unknown;
  /** invalid_union: the issues of each branch. */
  errors?: ZodIssueLike[][];
}

export function describeIssue(issue: ZodIssueLike): string {
  const got = issue.input === undefined ? '' : ` (got ${JSON.stringify(issue.input)})`;
  return `${expectation(issue)}${got}`;
}

/** What the key accepts, without the value it got. */
function expectation(issue: ZodIssueLike): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${String(issue.expected)}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return issue.message.replace(/^Too (small|big): expected \w+ to (be|have) /, 'must be ');
    case 'invalid_union':
      return unionExpectation(issue.errors ?? []) ?? issue.message;
    default:
      return issue.message;
  }
}

/**
 * The branches of a union: literal branches merge into one "must be one of" list, the others
 * are described each; null when zod gave no branch issues.
 */
function unionExpectation(branches: ZodIssueLike[][]): string | null {
  const values: unknown[] = [];
  const others: string[] = [];
  for (const branch of branches) {
    const first = branch[0];
    if (first === undefined) continue;
    if (first.code === 'invalid_value' && first.path.length === 0) {
      values.push(...(first.values ?? []));
      continue;
    }
    const where = first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
    const text = `${where}${expectation(first)}`;
    if (!others.includes(text)) others.push(text);
  }
  const parts = [
    ...(values.length > 0
      ? [`must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`]
      : []),
    ...others,
  ];
  return parts.length > 0 ? parts.join(', or ') : null;
}

/**
 * The metric names a PromQL expression selects, found with a small lexer: strings, label
 * matchers ({...}), ranges ([...]), numbers and durations are skipped; identifiers followed by
 * "(" are functions; aggregation and binary-operator keywords are skipped together with their
 * label lists. Syntax is checked by promtool, not here; this only extracts names.
 */
import { METRICS } from '../../src/telemetry/schema.js';
import {
  COLLECTOR_SELF_METRICS,
  COLLECTOR_SPAN_METRICS,
  PROMETHEUS_STANDARD_METRICS,
  TEMPO_GENERATOR_METRICS,
} from './known-metrics.js';

const LABEL_LIST_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);
const OTHER_KEYWORDS = new Set(['bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);
const AGGREGATIONS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
  'limitk',
  'limit_ratio',
]);

function skipString(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== quote) j += s[j] === '\\' && quote !== '`' ? 2 : 1;
  return j + 1;
}

/** Index just past the bracket that closes the one at `i` ("(", "{" or "["), skipping strings. */
function skipGroup(s: string, i: number): number {
  const open = s[i];
  const close = open === '(' ? ')' : open === '{' ? '}' : ']';
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '"' || c === "'" || c === '`') {
      j = skipString(s, j);
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
    j++;
  }
  throw new Error(`unbalanced "${open}" in PromQL: ${s}`);
}

function nextNonSpace(s: string, i: number): number {
  let j = i;
  while (j < s.length && /\s/.test(s[j] ?? '')) j++;
  return j;
}

/** Metric names selected by `expr`, including `{__name__="x"}` matchers. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const s = expr;
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(s, i);
    } else if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '{') {
      const end = skipGroup(s, i);
      for (const m of s.slice(i, end).matchAll(/__name__\s*=\s*"([^"]+)"/g))
        if (m[1]) names.add(m[1]);
      i = end;
    } else if (c === '[') {
      i = skipGroup(s, i);
    } else if (/[0-9.]/.test(c)) {
      while (i < s.length && /[0-9a-zA-Z._]/.test(s[i] ?? '')) i++;
    } else if (/[a-zA-Z_:]/.test(c)) {
      let j = i + 1;
      while (j < s.length && /[a-zA-Z0-9_:]/.test(s[j] ?? '')) j++;
      const ident = s.slice(i, j);
      const lower = ident.toLowerCase();
      const k = nextNonSpace(s, j);
      const next = s[k];
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        i = next === '(' ? skipGroup(s, k) : j;
      } else if (OTHER_KEYWORDS.has(lower) || next === '(') {
        i = j;
      } else if (AGGREGATIONS.has(lower) && /^(by|without)\b/i.test(s.slice(k))) {
        i = j;
      } else {
        names.add(ident);
        i = j;
      }
    } else {
      i++;
    }
  }
  return [...names];
}

/** Every name a dashboard or rule may select, besides recording rules defined in the rule files. */
export function allowedMetricNames(): Set<string> {
  const allowed = new Set<string>([
    ...COLLECTOR_SPAN_METRICS,
    ...TEMPO_GENERATOR_METRICS,
    ...COLLECTOR_SELF_METRICS,
    ...PROMETHEUS_STANDARD_METRICS,
  ]);
  for (const def of Object.values(METRICS)) {
    if (def.type === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) allowed.add(def.name + suffix);
    else allowed.add(def.name);
  }
  return allowed;
}

/** Replaces Grafana variables so that a dashboard query is plain PromQL. */
export function expandGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{[A-Za-z0-9_]+(:[a-z]+)?\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '.*');
}

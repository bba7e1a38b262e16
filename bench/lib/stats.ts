/** Small statistics helpers for the benchmark figures. */

/** Nearest-rank percentile of unsorted values (0 when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export function min(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.min(...values);
}

export function max(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(...values);
}

/** Rounds to `digits` decimals (figures in results.json stay readable). */
export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export interface Distribution {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

export function distribution(values: readonly number[], digits = 2): Distribution {
  return {
    p50: round(percentile(values, 50), digits),
    p95: round(percentile(values, 95), digits),
    p99: round(percentile(values, 99), digits),
    max: round(max(values), digits),
    count: values.length,
  };
}

/** Sample standard deviation (0 for fewer than two values). */
export function stdev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/**
 * Standard error of 1 − mean(a) ÷ mean(b), in the same unit (a fraction), from the spread of the
 * runs on each side: how far the figure could move by run-to-run noise alone.
 */
export function lossStandardError(a: readonly number[], b: readonly number[]): number {
  const mb = mean(b);
  if (mb === 0 || a.length === 0 || b.length === 0) return 0;
  const ratio = mean(a) / mb;
  const relA = mean(a) === 0 ? 0 : stdev(a) / Math.sqrt(a.length) / mean(a);
  const relB = stdev(b) / Math.sqrt(b.length) / mb;
  return ratio * Math.sqrt(relA ** 2 + relB ** 2);
}

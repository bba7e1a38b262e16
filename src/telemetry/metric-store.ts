/**
 * The values behind the observable instruments of metrics.ts: per metric, the series in plain
 * Maps nested by declared label (one level per label, keyed by the label's value as a string), so
 * that a record is a few Map lookups with no string building; the SDK hashes each series'
 * attributes only when a reader collects (a Prometheus scrape), not on every record.
 *
 * Series are told apart by their label values as Prometheus shows them (strings): `{source_id: 0}`
 * and `{source_id: '0'}` are one series, reported with the attributes seen first.
 */
import type { Attributes, ObservableResult } from '@opentelemetry/api';

/** What a store keeps: sums (monotonic for counters) or last values (gauges). */
export type StoreKind = 'counter' | 'updowncounter' | 'gauge';

interface Series {
  value: number;
  /** A copy of the attributes of the first record of the series. */
  readonly attributes: Attributes;
}

/** One level of the tree: a label value to the next level, or to the series at the last label. */
type Level = Map<string, unknown>;

const NO_LABELS: Attributes = Object.freeze({});

/**
 * Key of a label object that does not have exactly the declared labels, each defined (a
 * programming error: an undeclared or missing key): all its keys, sorted, with their values.
 */
function oddKey(attrs: Attributes): string {
  const keys = Object.keys(attrs).sort();
  return keys.map((k) => k + '=' + String(attrs[k])).join('\u001f');
}

/** Series values of one metric, reported to the SDK by its observable callback. */
export class SeriesStore {
  /** Every series, in creation order (what observe reports). */
  private readonly all: Series[] = [];
  /** Series with the declared labels (the tree has one level per label). */
  private readonly tree: Level = new Map();
  /** The series of a metric without labels. */
  private bare: Series | undefined;
  /** Series whose label object is not exactly the declared labels, by oddKey. */
  private readonly odd = new Map<string, Series>();

  /** `labels`: the metric's declared label names (METRICS[key].labels), in that order. */
  constructor(
    readonly kind: StoreKind,
    private readonly labels: readonly string[],
  ) {}

  /**
   * Adds to a counter or up-down counter series (creating it, so adding 0 exports the series at 0).
   * Ignored: non-finite values, negative values on a counter (counts only go up), gauges.
   */
  add(value: number, attributes?: Attributes): void {
    if (this.kind === 'gauge' || !Number.isFinite(value)) return;
    if (value < 0 && this.kind === 'counter') return;
    this.seriesFor(attributes ?? NO_LABELS).value += value;
  }

  /** Sets a gauge series to its last value (ignored on counters and non-numbers). */
  set(value: number, attributes?: Attributes): void {
    if (this.kind !== 'gauge' || typeof value !== 'number') return;
    this.seriesFor(attributes ?? NO_LABELS).value = value;
  }

  /** Reports every series (the instrument's callback, at collection). */
  observe(result: ObservableResult): void {
    for (const s of this.all) result.observe(s.value, s.attributes);
  }

  private create(attributes: Attributes): Series {
    const s = { value: 0, attributes: { ...attributes } };
    this.all.push(s);
    return s;
  }

  private seriesFor(attrs: Attributes): Series {
    const names = this.labels;
    if (Object.keys(attrs).length !== names.length) return this.oddSeries(attrs);
    if (names.length === 0) return (this.bare ??= this.create(attrs));
    let level = this.tree;
    const last = names.length - 1;
    for (let i = 0; ; i++) {
      const v = attrs[names[i]!];
      // Missing while the counts match: an undeclared key stands in its place.
      if (v == null) return this.oddSeries(attrs);
      const k = String(v);
      const next = level.get(k);
      if (i === last) {
        if (next !== undefined) return next as Series;
        const s = this.create(attrs);
        level.set(k, s);
        return s;
      }
      if (next === undefined) {
        const created: Level = new Map();
        level.set(k, created);
        level = created;
      } else level = next as Level;
    }
  }

  private oddSeries(attrs: Attributes): Series {
    const key = oddKey(attrs);
    let s = this.odd.get(key);
    if (s === undefined) {
      s = this.create(attrs);
      this.odd.set(key, s);
    }
    return s;
  }
}

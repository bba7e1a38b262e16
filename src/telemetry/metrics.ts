/**
 * Metric instruments, created once from the schema (METRICS) through the OTel API.
 * Without a registered SDK every call is a no-op, so the hot path pays almost nothing.
 */
import {
  metrics,
  type Attributes,
  type Counter,
  type Gauge,
  type Histogram,
  type UpDownCounter,
} from '@opentelemetry/api';
import { METRICS, type MetricDef, type MetricKey } from './schema.js';
import { VERSION } from './version.js';

type Instrument = Counter | Histogram | Gauge | UpDownCounter;

const instruments = new Map<MetricKey, Instrument>();

function instrumentName(def: MetricDef): string {
  return def.type === 'counter' ? def.name.replace(/_total$/, '') : def.name;
}

function create(key: MetricKey): Instrument {
  const def: MetricDef = METRICS[key];
  const meter = metrics.getMeter('adeline', VERSION);
  const opts = { description: def.description, unit: def.unit };
  switch (def.type) {
    case 'counter':
      return meter.createCounter(instrumentName(def), opts);
    case 'updowncounter':
      return meter.createUpDownCounter(instrumentName(def), opts);
    case 'gauge':
      return meter.createGauge(instrumentName(def), opts);
    case 'histogram':
      return meter.createHistogram(instrumentName(def), {
        ...opts,
        advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : undefined,
      });
  }
}

function get(key: MetricKey): Instrument {
  let inst = instruments.get(key);
  if (!inst) {
    inst = create(key);
    instruments.set(key, inst);
  }
  return inst;
}

/** Adds to a counter or up-down counter. */
export function addMetric(key: MetricKey, value = 1, labels?: Attributes): void {
  (get(key) as Counter).add(value, labels);
}

/** Records a histogram observation (in the metric's unit: seconds for durations). */
export function recordMetric(key: MetricKey, value: number, labels?: Attributes): void {
  (get(key) as Histogram).record(value, labels);
}

/** Sets a gauge. */
export function setGauge(key: MetricKey, value: number, labels?: Attributes): void {
  (get(key) as Gauge).record(value, labels);
}

/** Forgets cached instruments (tests that swap the global MeterProvider). */
export function resetMetricInstruments(): void {
  instruments.clear();
}

/** Touches every instrument so that /metrics lists each one from the first scrape. */
export function createAllInstruments(): void {
  for (const key of Object.keys(METRICS) as MetricKey[]) get(key);
}

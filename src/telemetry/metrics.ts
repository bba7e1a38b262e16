/**
 * Metric instruments, created once per metric from the schema (METRICS) through the OTel API.
 *
 * Counters, up-down counters and gauges are observable instruments (ObservableCounter,
 * ObservableUpDownCounter, ObservableGauge) whose values live in plain Maps (metric-store.ts):
 * the SDK's synchronous instruments hash the attributes object of every record (sorted keys,
 * stringified: 0.3–0.5 µs), and the service makes ~20 records per frame at hundreds of frames per
 * second. A record here is one Map lookup per label (no hashing, no string building: ~40–70 ns);
 * the SDK reads every series once per collection (a Prometheus scrape), from the callback
 * registered with each instrument. The Prometheus output is unchanged: an observable counter
 * is a counter (`_total`), an observable up-down counter or gauge is a gauge, same names, units,
 * descriptions and series. Histograms stay synchronous (the API has no observable histogram).
 *
 * Without a registered SDK the meter is the API's no-op meter: no values are kept, and every call
 * costs a Map lookup. Instruments are bound to the meter (and so the MeterProvider) of their
 * creation: resetMetricInstruments forgets them for tests that swap the global MeterProvider.
 */
import {
  createNoopMeter,
  metrics,
  type Attributes,
  type Histogram,
  type Meter,
  type ObservableCallback,
} from '@opentelemetry/api';
import { SeriesStore } from './metric-store.js';
import { DROP_REASONS, METRICS, type MetricDef, type MetricKey } from './schema.js';
import { VERSION } from './version.js';

/** Histograms by metric (null: the metric is not a histogram). */
const histograms = new Map<MetricKey, Histogram | null>();
/** Values of the other metrics (null: a histogram, or no SDK when the instrument was created). */
const stores = new Map<MetricKey, SeriesStore | null>();
/** Unregisters the callbacks of the current observable instruments. */
let detachers: Array<() => void> = [];

function instrumentName(def: MetricDef): string {
  return def.type === 'counter' ? def.name.replace(/_total$/, '') : def.name;
}

function meter(): Meter {
  return metrics.getMeter('adeline', VERSION);
}

function createHistogram(key: MetricKey): Histogram | null {
  const def: MetricDef = METRICS[key];
  if (def.type !== 'histogram') return null;
  return meter().createHistogram(instrumentName(def), {
    description: def.description,
    unit: def.unit,
    advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : undefined,
  });
}

/** Creates the observable instrument of a counter, up-down counter or gauge, and its store. */
function createStore(key: MetricKey): SeriesStore | null {
  const def: MetricDef = METRICS[key];
  if (def.type === 'histogram') return null;
  const m = meter();
  if (m === createNoopMeter()) return null; // no SDK: nothing would ever read the values
  const name = instrumentName(def);
  const opts = { description: def.description, unit: def.unit };
  const instrument =
    def.type === 'counter'
      ? m.createObservableCounter(name, opts)
      : def.type === 'updowncounter'
        ? m.createObservableUpDownCounter(name, opts)
        : m.createObservableGauge(name, opts);
  const store = new SeriesStore(def.type, def.labels);
  const callback: ObservableCallback = (result) => store.observe(result);
  instrument.addCallback(callback);
  detachers.push(() => instrument.removeCallback(callback));
  return store;
}

/** The value cached for `key`, made by `make` the first time (null is cached too). One lookup on the hot path. */
function cached<V>(
  cache: Map<MetricKey, V | null>,
  key: MetricKey,
  make: (key: MetricKey) => V | null,
): V | null {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const v = make(key);
  cache.set(key, v);
  return v;
}

const histogramFor = (key: MetricKey): Histogram | null => cached(histograms, key, createHistogram);

const storeFor = (key: MetricKey): SeriesStore | null => cached(stores, key, createStore);

/**
 * Adds to a counter or up-down counter series; adding 0 exports the series at 0. Ignored:
 * non-finite values, negative values on a counter, keys of gauges and histograms.
 */
export function addMetric(key: MetricKey, value = 1, labels?: Attributes): void {
  storeFor(key)?.add(value, labels);
}

/** Records a histogram observation (in the metric's unit: seconds for durations). */
export function recordMetric(key: MetricKey, value: number, labels?: Attributes): void {
  histogramFor(key)?.record(value, labels);
}

/** Gauges that something has set (initMetricSeries never overwrites them with a 0). */
const touchedGauges = new Set<MetricKey>();

/** Sets a gauge series (its last value is what collection reports). */
export function setGauge(key: MetricKey, value: number, labels?: Attributes): void {
  touchedGauges.add(key);
  storeFor(key)?.set(value, labels);
}

/**
 * Forgets the instruments and their values (tests that swap the global MeterProvider): the old
 * instruments' callbacks are unregistered, and the next record creates instruments with the
 * current global meter, starting from no series.
 */
export function resetMetricInstruments(): void {
  for (const detach of detachers) detach();
  detachers = [];
  histograms.clear();
  stores.clear();
  touchedGauges.clear();
}

/**
 * Label values that become known as the service starts. The service passes them once its sources,
 * model and policies exist (before the sources start), so that every counter series is exported
 * at 0 from the first scrape instead of appearing at its first increment (Prometheus practice:
 * `rate()`, `increase()` and alerts then see the 0 → 1 step, and dashboards list every series).
 */
export interface KnownLabelValues {
  /** Source ids (`source_id` label). */
  sourceIds?: readonly number[];
  /** The model's class names (`class` label); ignored beyond MAX_ZERO_CLASSES classes. */
  classes?: readonly string[];
  /** Resilience policy services (`service` label): mqtt_publish, inference, source_<id>. */
  services?: readonly string[];
  /** Control command names (`command` label), from the command table. */
  commands?: readonly string[];
}

/*
 * Label values fixed by the design (the meanings in schema.ts list them; drop reasons come from
 * there). Keep in step with: breaker states
 * (src/resilience/telemetry-observer.ts BREAKER_STATE_LABEL), publish channels and failure reasons
 * (src/planes/publish-reason.ts), spool drop reasons (src/resilience/spool-telemetry.ts).
 */
const BREAKER_STATES = ['closed', 'open', 'half_open', 'isolated'] as const;
const POLICY_OUTCOMES = ['success', 'failure', 'rejected', 'timeout'] as const;
const CHANNELS = ['detections', 'metrics', 'status', 'availability', 'replay'] as const;
const PUBLISH_FAILURES = [
  'disconnected',
  'timeout',
  'breaker_open',
  'bulkhead_full',
  'spool_error',
  'error',
] as const;
const COMMAND_OUTCOMES = ['ok', 'error'] as const;
const SPOOL_DROP_REASONS = ['full', 'corrupt'] as const;
const SIGNALS = ['traces', 'logs'] as const;
/** A model with more classes gets its detection series as they happen (bounded zero series). */
const MAX_ZERO_CLASSES = 100;
/**
 * `error_type` values each `component` counts (error codes without ADELINE_ERR_, lower-case;
 * `internal` for an unexpected exception): pipeline stages, the control plane, the MQTT planes.
 */
const ERRORS_BY_COMPONENT: Readonly<Record<string, readonly string[]>> = {
  capture: ['internal'],
  roi: ['internal'],
  preprocess: ['internal'],
  inference: ['inference', 'inference_timeout', 'worker_crashed', 'model_unavailable', 'internal'],
  postprocess: ['internal'],
  stabilize: ['internal'],
  publish: ['spool_io', 'internal'],
  control_plane: [
    'command_invalid',
    'command_unknown',
    'command_not_applicable',
    'command_failed',
    'command_busy',
  ],
  mqtt_data: ['mqtt_connect', 'mqtt_auth'],
  mqtt_control: ['mqtt_connect', 'mqtt_auth'],
};

/** Every combination of the given label values. */
function combos(labels: Record<string, readonly (string | number)[]>): Attributes[] {
  let out: Attributes[] = [{}];
  for (const [name, values] of Object.entries(labels)) {
    out = out.flatMap((a) => values.map((v) => ({ ...a, [name]: v })));
  }
  return out;
}

/** Gauges that are 0 until their owner says otherwise (no frame yet: no tracks, no fps). */
function zeroGauges(k: KnownLabelValues): Partial<Record<MetricKey, Attributes[]>> {
  const source_id = k.sourceIds ?? [];
  return { activeTracks: combos({ source_id }), sourceFps: combos({ source_id }) };
}

/** The counter series to export at 0, per metric. */
function zeroSeries(k: KnownLabelValues): Partial<Record<MetricKey, Attributes[]>> {
  const source_id = k.sourceIds ?? [];
  const service = k.services ?? [];
  const classes = k.classes ?? [];
  return {
    framesRead: combos({ source_id }),
    framesProcessed: combos({ source_id }),
    framesDropped: combos({ source_id, reason: DROP_REASONS }),
    detections: combos({ class: classes.length <= MAX_ZERO_CLASSES ? classes : [], source_id }),
    errors: Object.entries(ERRORS_BY_COMPONENT).flatMap(([component, types]) =>
      combos({ error_type: types, component: [component] }),
    ),
    breakerTransitions: combos({ service, state: BREAKER_STATES }),
    policyCalls: combos({ service, outcome: POLICY_OUTCOMES }),
    retries: combos({ service }),
    timeouts: combos({ service }),
    bulkheadRejections: combos({ service }),
    sourceReconnects: combos({ source_id }),
    mqttPublished: combos({ channel: CHANNELS }),
    mqttFailed: combos({ channel: CHANNELS, reason: PUBLISH_FAILURES }),
    commands: [
      ...combos({ command: k.commands ?? [], outcome: COMMAND_OUTCOMES }),
      { command: 'invalid', outcome: 'error' },
    ],
    spoolDropped: combos({ reason: SPOOL_DROP_REASONS }),
    spoolReplayed: [{}],
    telemetryExportFailures: combos({ signal: SIGNALS }),
    telemetryDropped: combos({ signal: SIGNALS }),
  };
}

/**
 * Exports at 0 every counter series whose labels are known (adding 0 never changes a count, so
 * calling it again, or after increments, is harmless), and the source gauges that start at 0
 * (adeline_active_tracks, adeline_source_fps) unless something has set them already. Gauges with
 * a meaningful state (breaker, source state, health) are left to their owners.
 */
export function initMetricSeries(known: KnownLabelValues): void {
  for (const [key, series] of Object.entries(zeroSeries(known)) as Array<
    [MetricKey, Attributes[]]
  >) {
    if (METRICS[key].type !== 'counter') continue;
    for (const labels of series) addMetric(key, 0, labels);
  }
  for (const [key, series] of Object.entries(zeroGauges(known)) as Array<
    [MetricKey, Attributes[]]
  >) {
    if (METRICS[key].type !== 'gauge' || touchedGauges.has(key)) continue;
    for (const labels of series) storeFor(key)?.set(0, labels);
  }
}

/**
 * Creates every instrument, and exports at 0 the counter series whose labels are fixed by the
 * design or given in `known` (see initMetricSeries), so that /metrics lists them from the first
 * scrape. Call initMetricSeries again once sources, classes and policies are known.
 */
export function createAllInstruments(known: KnownLabelValues = {}): void {
  for (const key of Object.keys(METRICS) as MetricKey[]) {
    if (METRICS[key].type === 'histogram') histogramFor(key);
    else storeFor(key);
  }
  initMetricSeries(known);
}

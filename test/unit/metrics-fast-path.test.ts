/**
 * metrics.ts keeps counter, up-down counter and gauge values in plain Maps behind observable
 * instruments (metric-store.ts). Through an in-process MeterProvider: the exported data points
 * (kind, monotonicity, value, attributes), zero series, ignored increments, resets and bad
 * labels; and the Prometheus text, which must look as it did with synchronous instruments.
 */
import { strict as assert } from 'node:assert';
import {
  metrics,
  type Attributes,
  type Meter,
  type MeterProvider as ApiMeterProvider,
  type MetricOptions,
  type Observable,
  type ObservableCallback,
  type ObservableResult,
} from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { SeriesStore } from '../../src/telemetry/metric-store.js';
import {
  addMetric,
  createAllInstruments,
  initMetricSeries,
  recordMetric,
  resetMetricInstruments,
  setGauge,
} from '../../src/telemetry/metrics.js';
import { METRICS, type MetricDef, type MetricKey } from '../../src/telemetry/schema.js';

class TestReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

interface Installed {
  reader: MetricReader;
  provider: MeterProvider;
}

/** A fresh global MeterProvider, as the tests that swap providers install it. */
function install(reader: MetricReader = new TestReader()): Installed {
  const provider = new MeterProvider({ readers: [reader] });
  metrics.disable();
  metrics.setGlobalMeterProvider(provider);
  resetMetricInstruments();
  return { reader, provider };
}

async function uninstall(i: Installed): Promise<void> {
  metrics.disable();
  resetMetricInstruments();
  await i.provider.shutdown();
}

/** The collected metric with this OTel instrument name (undefined when absent). */
async function collect(reader: MetricReader, name: string): Promise<MetricData | undefined> {
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  for (const sm of resourceMetrics.scopeMetrics)
    for (const m of sm.metrics) if (m.descriptor.name === name) return m;
  return undefined;
}

/** Data points of a metric as [attributes, value], sorted for stable comparisons. */
async function points(reader: MetricReader, name: string): Promise<Array<[Attributes, number]>> {
  const m = await collect(reader, name);
  const out = (m?.dataPoints ?? []).map((dp) => [dp.attributes, dp.value as number]);
  return (out as Array<[Attributes, number]>).sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  );
}

describe('metrics fast path (observable instruments over plain Maps)', () => {
  let i: Installed;
  beforeEach(() => {
    i = install();
  });
  afterEach(async () => {
    await uninstall(i);
  });

  it('accumulates counters per series and exports them as monotonic sums', async () => {
    addMetric('framesRead', 1, { source_id: 0 });
    addMetric('framesRead', 2, { source_id: 0 });
    addMetric('framesRead', 1, { source_id: 1 });
    addMetric('framesDropped', 1, { source_id: 0, reason: 'max_fps' });
    addMetric('framesDropped', 1, { reason: 'max_fps', source_id: 0 }); // key order is irrelevant
    const m = await collect(i.reader, 'adeline_frames_read');
    assert.ok(m, 'adeline_frames_read is exported');
    assert.equal(m.dataPointType, DataPointType.SUM);
    assert.equal(m.isMonotonic, true);
    assert.equal(m.descriptor.unit, METRICS.framesRead.unit);
    assert.equal(m.descriptor.description, METRICS.framesRead.description);
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), [
      [{ source_id: 0 }, 3],
      [{ source_id: 1 }, 1],
    ]);
    assert.deepEqual(await points(i.reader, 'adeline_frames_dropped'), [
      [{ source_id: 0, reason: 'max_fps' }, 2],
    ]);
  });

  it('keeps counting across collections (cumulative)', async () => {
    addMetric('retries', 1, { service: 'inference' });
    assert.deepEqual(await points(i.reader, 'adeline_retries'), [[{ service: 'inference' }, 1]]);
    addMetric('retries', 4, { service: 'inference' });
    assert.deepEqual(await points(i.reader, 'adeline_retries'), [[{ service: 'inference' }, 5]]);
  });

  it('stores a copy of the labels: a caller that mutates its object does not move the series', async () => {
    const labels: Record<string, number> = { source_id: 0 };
    addMetric('framesRead', 1, labels);
    labels['source_id'] = 7;
    addMetric('framesRead', 1, { source_id: 0 });
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), [[{ source_id: 0 }, 2]]);
  });

  it('adding 0 creates the series at 0 (initMetricSeries, createAllInstruments)', async () => {
    addMetric('timeouts', 0, { service: 'mqtt_publish' });
    assert.deepEqual(await points(i.reader, 'adeline_timeouts'), [
      [{ service: 'mqtt_publish' }, 0],
    ]);
    createAllInstruments({ sourceIds: [3], classes: ['person'], services: ['inference'] });
    assert.deepEqual(await points(i.reader, 'adeline_frames_processed'), [[{ source_id: 3 }, 0]]);
    assert.deepEqual(await points(i.reader, 'adeline_detections'), [
      [{ class: 'person', source_id: 3 }, 0],
    ]);
    assert.deepEqual(await points(i.reader, 'adeline_spool_replayed'), [[{}, 0]]);
    assert.deepEqual(await points(i.reader, 'adeline_active_tracks'), [[{ source_id: 3 }, 0]]);
  });

  it('initMetricSeries after increments keeps the counts and does not reset a set gauge', async () => {
    addMetric('framesRead', 5, { source_id: 0 });
    setGauge('sourceFps', 25, { source_id: 0 });
    initMetricSeries({ sourceIds: [0, 1] });
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), [
      [{ source_id: 0 }, 5],
      [{ source_id: 1 }, 0],
    ]);
    assert.deepEqual(await points(i.reader, 'adeline_source_fps'), [[{ source_id: 0 }, 25]]);
  });

  it('ignores negative and non-finite increments on counters', async () => {
    addMetric('framesRead', 2, { source_id: 0 });
    addMetric('framesRead', -1, { source_id: 0 });
    addMetric('framesRead', Number.NaN, { source_id: 0 });
    addMetric('framesRead', Number.POSITIVE_INFINITY, { source_id: 0 });
    addMetric('framesRead', -1, { source_id: 9 }); // does not create a series either
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), [[{ source_id: 0 }, 2]]);
  });

  it('reports the last value of each gauge series', async () => {
    setGauge('sourceFps', 10, { source_id: 0 });
    setGauge('sourceFps', 12.5, { source_id: 0 });
    setGauge('sourceFps', 30, { source_id: 1 });
    setGauge('spoolMessages', 4);
    setGauge('spoolMessages', 3);
    const m = await collect(i.reader, 'adeline_source_fps');
    assert.equal(m?.dataPointType, DataPointType.GAUGE);
    assert.deepEqual(await points(i.reader, 'adeline_source_fps'), [
      [{ source_id: 0 }, 12.5],
      [{ source_id: 1 }, 30],
    ]);
    assert.deepEqual(await points(i.reader, 'adeline_spool_messages'), [[{}, 3]]);
    setGauge('sourceFps', 0, { source_id: 1 });
    assert.deepEqual(await points(i.reader, 'adeline_source_fps'), [
      [{ source_id: 0 }, 12.5],
      [{ source_id: 1 }, 0],
    ]);
  });

  it('ignores misuse: addMetric on a gauge, setGauge on a counter, recordMetric on a counter', async () => {
    setGauge('spoolBytes', 100);
    addMetric('spoolBytes', 5);
    setGauge('framesRead', 50, { source_id: 0 });
    recordMetric('framesRead', 50, { source_id: 0 });
    assert.deepEqual(await points(i.reader, 'adeline_spool_bytes'), [[{}, 100]]);
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), []);
  });

  it('resetMetricInstruments forgets the values; a new provider starts clean', async () => {
    addMetric('framesRead', 5, { source_id: 0 });
    setGauge('sourceFps', 20, { source_id: 0 });
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), [[{ source_id: 0 }, 5]]);
    const old = i;
    i = install(); // swaps the global provider and calls resetMetricInstruments
    addMetric('framesRead', 1, { source_id: 0 });
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), [[{ source_id: 0 }, 1]]);
    assert.deepEqual(await points(i.reader, 'adeline_source_fps'), []);
    initMetricSeries({ sourceIds: [0] }); // the gauge set before the reset no longer counts as set
    assert.deepEqual(await points(i.reader, 'adeline_source_fps'), [[{ source_id: 0 }, 0]]);
    // The old instruments' callbacks are gone: the old provider sees no new record.
    assert.deepEqual(await points(old.reader, 'adeline_frames_read'), [[{ source_id: 0 }, 5]]);
    await old.provider.shutdown();
  });

  it('resetMetricInstruments with the same provider: only the new values are reported', async () => {
    addMetric('framesRead', 5, { source_id: 0 });
    setGauge('sourceFps', 20, { source_id: 0 });
    await points(i.reader, 'adeline_frames_read');
    resetMetricInstruments();
    addMetric('framesRead', 1, { source_id: 1 });
    setGauge('sourceFps', 30, { source_id: 0 });
    const counts = await points(i.reader, 'adeline_frames_read');
    assert.deepEqual(
      counts.find(([a]) => a['source_id'] === 1),
      [{ source_id: 1 }, 1],
    );
    assert.deepEqual(await points(i.reader, 'adeline_source_fps'), [[{ source_id: 0 }, 30]]);
  });

  it('resetMetricInstruments unregisters the callbacks of the old instruments', () => {
    // A provider whose observable instruments note which callbacks are registered.
    const registered = new Set<ObservableCallback>();
    const tracked = (o: Observable): Observable => ({
      addCallback: (cb) => (registered.add(cb), o.addCallback(cb)),
      removeCallback: (cb) => (registered.delete(cb), o.removeCallback(cb)),
    });
    const provider: ApiMeterProvider = {
      getMeter: (...args) => {
        const m = i.provider.getMeter(...args);
        return Object.assign(Object.create(m) as Meter, {
          createObservableCounter: (n: string, o?: MetricOptions) =>
            tracked(m.createObservableCounter(n, o)),
          createObservableGauge: (n: string, o?: MetricOptions) =>
            tracked(m.createObservableGauge(n, o)),
        });
      },
    };
    metrics.disable();
    metrics.setGlobalMeterProvider(provider);
    resetMetricInstruments();
    createAllInstruments();
    const counted = Object.values(METRICS).filter((d) => d.type !== 'histogram').length;
    assert.equal(registered.size, counted, 'one callback per observable instrument');
    resetMetricInstruments();
    assert.equal(registered.size, 0);
  });

  it('records nothing without an SDK, and a later reset picks up the new provider', async () => {
    metrics.disable();
    resetMetricInstruments();
    addMetric('framesRead', 5, { source_id: 0 }); // no-op meter: nothing kept
    metrics.setGlobalMeterProvider(i.provider);
    addMetric('framesRead', 1, { source_id: 0 }); // still the no-op instrument until a reset
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), []);
    resetMetricInstruments();
    addMetric('framesRead', 2, { source_id: 0 });
    assert.deepEqual(await points(i.reader, 'adeline_frames_read'), [[{ source_id: 0 }, 2]]);
  });

  it('bad labels do not throw and still make a series, apart from the well-formed ones', async () => {
    addMetric('framesRead', 1, { source_id: 0 });
    addMetric('framesRead', 1, { source_id: undefined } as unknown as Attributes);
    addMetric('framesRead', 2, { source_id: 0, extra: 'x' }); // undeclared key
    addMetric('framesRead', 3, { source: 0 }); // wrong name, right count
    addMetric('framesRead', 4); // missing labels
    addMetric('framesRead', 5, null as unknown as Attributes);
    setGauge('sourceFps', 7, { sourceId: 1 });
    const got = await points(i.reader, 'adeline_frames_read');
    const same = (a: Attributes, b: Attributes) =>
      Object.keys(a).sort().join() === Object.keys(b).sort().join() &&
      Object.keys(a).every((k) => a[k] === b[k]);
    const value = (attrs: Attributes) => got.find(([a]) => same(a, attrs))?.[1];
    assert.equal(value({ source_id: 0 }), 1);
    assert.equal(value({ source_id: 0, extra: 'x' }), 2);
    assert.equal(value({ source: 0 }), 3);
    assert.equal(value({}), 9); // no labels and null labels are the same (empty) series
    assert.equal(value({ source_id: undefined } as unknown as Attributes), 1);
    assert.equal(got.length, 5, JSON.stringify(got));
    assert.deepEqual(await points(i.reader, 'adeline_source_fps'), [[{ sourceId: 1 }, 7]]);
  });

  it('exports up-down counters as non-monotonic sums that go down', async () => {
    const key = 'testUpDown' as MetricKey;
    const defs = METRICS as unknown as Record<string, MetricDef>;
    defs[key] = {
      name: 'adeline_test_up_down',
      type: 'updowncounter',
      unit: '1',
      description: 'Test only.',
      labels: ['service'],
    };
    try {
      addMetric(key, 3, { service: 'a' });
      addMetric(key, -2, { service: 'a' });
      addMetric(key, Number.NaN, { service: 'a' });
      const m = await collect(i.reader, 'adeline_test_up_down');
      assert.equal(m?.dataPointType, DataPointType.SUM);
      assert.equal(m.isMonotonic, false);
      assert.deepEqual(await points(i.reader, 'adeline_test_up_down'), [[{ service: 'a' }, 1]]);
      addMetric(key, -4, { service: 'a' });
      assert.deepEqual(await points(i.reader, 'adeline_test_up_down'), [[{ service: 'a' }, -3]]);
    } finally {
      delete defs[key];
    }
  });

  it('Prometheus text is unchanged: counters with _total, gauges, histograms', async () => {
    const prometheus = new PrometheusExporter({ preventServerStart: true });
    const p = install(prometheus);
    try {
      addMetric('framesRead', 3, { source_id: 0 });
      setGauge('sourceFps', 12.5, { source_id: 0 });
      recordMetric('frameLatency', 0.02, { source_id: 0 });
      const { resourceMetrics } = await prometheus.collect();
      const text = new PrometheusSerializer('', false, undefined, true, true).serialize(
        resourceMetrics,
      );
      assert.match(text, /^# TYPE adeline_frames_read_total counter$/m);
      assert.match(text, /^adeline_frames_read_total\{source_id="0"\} 3$/m);
      assert.match(text, /^# TYPE adeline_source_fps gauge$/m);
      assert.match(text, /^adeline_source_fps\{source_id="0"\} 12\.5$/m);
      assert.match(text, /^# TYPE adeline_frame_latency_seconds histogram$/m);
      assert.match(text, /^adeline_frame_latency_seconds_count\{source_id="0"\} 1$/m);
    } finally {
      await uninstall(p);
    }
  });
});

describe('SeriesStore', () => {
  /** Runs the store's callback against a recording ObservableResult. */
  function observed(store: SeriesStore): Array<[number, Attributes]> {
    const out: Array<[number, Attributes]> = [];
    const result: ObservableResult = { observe: (v, a = {}) => out.push([v, a]) };
    store.observe(result);
    return out;
  }

  it('sums by declared label values, whatever the key order', () => {
    const s = new SeriesStore('counter', ['class', 'source_id']);
    s.add(1, { class: 'person', source_id: 0 });
    s.add(1, { source_id: 0, class: 'person' });
    s.add(1, { class: 'car', source_id: 0 });
    assert.deepEqual(observed(s), [
      [2, { class: 'person', source_id: 0 }],
      [1, { class: 'car', source_id: 0 }],
    ]);
  });

  it('keeps label objects with undeclared keys apart, even with the declared count', () => {
    const s = new SeriesStore('counter', ['source_id', 'reason']);
    s.add(1, { source_id: 0, other: 'x' });
    s.add(1, { source_id: 0, another: 'x' });
    s.add(1, { source_id: 0, reason: 'x' });
    s.add(1, { other: 'x', source_id: 0 }); // the first odd series again, keys in another order
    const got = observed(s);
    assert.equal(got.length, 3);
    assert.deepEqual(got[0], [2, { source_id: 0, other: 'x' }]);
  });

  it('up-down counters go down; counters do not', () => {
    const up = new SeriesStore('updowncounter', []);
    up.add(2);
    up.add(-5);
    assert.deepEqual(observed(up), [[-3, {}]]);
    const c = new SeriesStore('counter', []);
    c.add(2);
    c.add(-5);
    assert.deepEqual(observed(c), [[2, {}]]);
  });
});

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { configureLogger } from '../../src/telemetry/logger.js';
import { DropCounter, emptyDropCounts } from '../../src/pipeline/drop-counter.js';
import { createAllInstruments, initMetricSeries } from '../../src/telemetry/metrics.js';
import { DROP_REASON_MEANINGS, DROP_REASONS } from '../../src/telemetry/schema.js';
import { installMetrics, type MetricsProbe } from './resilience-helpers.js';

describe('drop reasons: named once in the telemetry schema, used by the frame loop and the metrics', () => {
  let probe: MetricsProbe;
  before(() => (probe = installMetrics()));
  after(() => probe.stop());

  it('lists every reason once, each with the explanation its warning gives', () => {
    assert.deepEqual([...DROP_REASONS], ['max_fps', 'backpressure', 'paused', 'error', 'shutdown']);
    assert.equal(new Set(DROP_REASONS).size, DROP_REASONS.length);
    for (const r of DROP_REASONS) assert.ok(DROP_REASON_MEANINGS[r].length > 10, r);
    assert.deepEqual(Object.keys(emptyDropCounts()), [...DROP_REASONS]);
  });

  it('exports a zero series for every reason before the first drop, and counts drops into the same series', async () => {
    createAllInstruments();
    initMetricSeries({ sourceIds: [21] });
    for (const reason of DROP_REASONS) {
      assert.equal(
        await probe.value('adeline_frames_dropped_total', { source_id: 21, reason }),
        0,
        reason,
      );
    }
    const drops = new DropCounter();
    drops.count(21, 'paused', 2);
    assert.equal(
      await probe.value('adeline_frames_dropped_total', { source_id: 21, reason: 'paused' }),
      2,
    );
    assert.equal(drops.of(21).paused, 2);
    assert.equal(drops.total().paused, 2);
  });

  it('warns about drops the operator must act on and only informs about skips the config asked for', () => {
    const lines: Array<Record<string, unknown>> = [];
    configureLogger({
      level: 'info',
      pretty: 'never',
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
          cb();
        },
      }),
    });
    try {
      const drops = new DropCounter();
      for (const reason of DROP_REASONS) drops.count(22, reason);
      drops.count(22, 'backpressure');
      const byReason = Object.fromEntries(
        lines.map((l) => [l['reason'], [l['event'], l['level']]]),
      );
      assert.deepEqual(byReason, {
        max_fps: ['frames_skipped', 'info'],
        paused: ['frames_skipped', 'info'],
        shutdown: ['frames_skipped', 'info'],
        backpressure: ['frames_dropped', 'warn'],
        error: ['frames_dropped', 'warn'],
      });
      assert.equal(lines.length, DROP_REASONS.length, 'each source and reason is logged once');
    } finally {
      configureLogger({ level: 'silent', pretty: 'never' });
    }
  });
});

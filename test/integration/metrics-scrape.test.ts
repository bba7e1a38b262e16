/**
 * A scrape of the running service's /metrics (real CLI, default synthetic scene and demo model)
 * lists every metric of docs/telemetry.md with its documented type, and passes Debian's
 * `promtool check metrics` (Prometheus naming and format lint) on the whole exposition.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, stopAll } from '../helpers/processes.js';
import { startService, type ServiceRun } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

interface DocMetric {
  name: string;
  type: string;
  unit: string;
  labels: string[];
}

/** The rows of the metrics table in docs/telemetry.md. */
function documentedMetrics(): DocMetric[] {
  const md = readFileSync(join(REPO_ROOT, 'docs', 'telemetry.md'), 'utf8');
  const section = md.slice(md.indexOf('### Metrics'), md.indexOf('### Log events'));
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `adeline_'))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return {
        name: cells[1]!.replace(/`/g, ''),
        type: cells[2]!,
        unit: cells[3]!,
        labels: cells[4] === '—' ? [] : cells[4]!.replace(/`/g, '').split(/,\s*/),
      };
    });
}

/** The value of the first sample `name{...labels}` in an exposition, or undefined. */
function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** Label names used by the samples of one metric (series name without a histogram suffix). */
function labelNames(text: string, series: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(series + '{')) continue;
    for (const m of line.slice(series.length).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      names.add(m[1]!);
  }
  return names;
}

describe('/metrics scrape of the running service (real CLI, promtool)', function () {
  this.timeout(60_000);
  const documented = documentedMetrics();
  let svc: ServiceRun | undefined;
  let scrape = '';

  before(async () => {
    assert.ok(
      documented.length >= 30,
      `docs/telemetry.md lists the metrics (${documented.length})`,
    );
    svc = startService({
      args: ['--max-fps', '10'],
      // The default: Node runtime and host metrics on, so promtool checks everything a user scrapes.
      set: { 'telemetry.metrics.host': true },
    });
    const run = svc;
    await run.waitForEvent('service_started', () => true, 30_000);
    scrape = await waitFor(
      async () => {
        const r = await run.get('/metrics');
        return (
          r.status === 200 &&
          (sampleValue(r.body, 'adeline_frames_processed_total') ?? 0) >= 3 &&
          r.body
        );
      },
      { timeoutMs: 30_000, what: '3 frames processed in /metrics' },
    );
  });
  after(async () => {
    await svc?.stop();
    await stopAll();
  });

  it('lists every metric of docs/telemetry.md with its documented type', () => {
    const missing: string[] = [];
    for (const m of documented) {
      const series =
        m.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name];
      for (const s of series) if (sampleValue(scrape, s) === undefined) missing.push(s);
      const promType = m.type === 'updowncounter' ? 'gauge' : m.type;
      assert.match(
        scrape,
        new RegExp(`^# TYPE ${m.name} ${promType}$`, 'm'),
        `${m.name} is a ${promType}`,
      );
      assert.match(scrape, new RegExp(`^# HELP ${m.name} \\S`, 'm'), `${m.name} has help text`);
    }
    assert.deepEqual(missing, [], 'every documented metric has samples');
  });

  it('labels each metric with exactly the documented labels', () => {
    const wrong: string[] = [];
    for (const m of documented) {
      const series = m.type === 'histogram' ? `${m.name}_count` : m.name;
      const got = [...labelNames(scrape, series)]
        .filter((l) => !l.startsWith('otel_scope_'))
        .sort();
      const want = [...m.labels].sort();
      if (got.join(',') !== want.join(','))
        wrong.push(`${m.name}: {${got.join(',')}} != {${want.join(',')}}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('shows the frames the synthetic source read and the pipeline processed', () => {
    const read = sampleValue(scrape, 'adeline_frames_read_total', { source_id: '0' }) ?? 0;
    const processed =
      sampleValue(scrape, 'adeline_frames_processed_total', { source_id: '0' }) ?? 0;
    assert.ok(processed >= 3, `processed ${processed}`);
    assert.ok(read >= processed, `read ${read} >= processed ${processed}`);
    const states = scrape
      .split('\n')
      .filter((l) => l.startsWith('adeline_source_state{') && l.includes('source_id="0"'));
    assert.equal(
      states.filter((l) => l.endsWith(' 1')).length,
      1,
      `exactly one state of source 0 is 1:\n${states.join('\n')}`,
    );
    for (const cls of ['person', 'fallen_person'])
      assert.notEqual(
        sampleValue(scrape, 'adeline_detections_total', { class: cls, source_id: '0' }),
        undefined,
        cls,
      );
  });

  it('follows the Prometheus naming conventions: _total on counters only, base units in names', () => {
    for (const m of documented) {
      assert.match(m.name, /^adeline_[a-z0-9_]+$/, `${m.name} is snake_case`);
      assert.equal(
        m.type === 'counter',
        m.name.endsWith('_total'),
        `${m.name}: _total iff counter`,
      );
      if (m.unit === 's') assert.match(m.name, /_seconds(_total)?$/, `${m.name} carries its unit`);
      if (m.unit === 'By') assert.match(m.name, /_bytes(_total)?$/, `${m.name} carries its unit`);
      assert.doesNotMatch(
        m.name,
        /_(milliseconds|ms|kb|mb|percent)\b/,
        `${m.name} uses base units`,
      );
    }
  });

  it('passes promtool check metrics', () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    assert.equal(r.error, undefined, `promtool runs: ${String(r.error)}`);
    assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'promtool reports no problem');
    assert.equal(r.status, 0);
  });
});

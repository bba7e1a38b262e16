/**
 * Every PromQL expression in the alert rules, the dashboards and the Grafana data-source links
 * parses (promtool check rules on a generated rule file) and selects only metric names the
 * service exports (METRICS), the collector's span metrics, Tempo's generator, the collector's own
 * telemetry or Prometheus itself (test/deploy/known-metrics.ts), or a recording rule defined here.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { at, isRecord, listFiles, readText, readYaml, run } from './deploy-files.js';
import { allowedMetricNames, expandGrafanaVariables, metricNames } from './promql.js';

interface Expr {
  where: string;
  expr: string;
}

function ruleExprs(): { exprs: Expr[]; recorded: Set<string> } {
  const exprs: Expr[] = [];
  const recorded = new Set<string>();
  for (const f of listFiles('deploy/prometheus/rules', /\.yml$/)) {
    for (const g of at(readYaml(f), 'groups') as { rules: Record<string, string>[] }[]) {
      for (const r of g.rules) {
        if (r['record']) recorded.add(r['record']);
        exprs.push({ where: `${f} ${r['alert'] ?? r['record']}`, expr: String(r['expr']) });
      }
    }
  }
  return { exprs, recorded };
}

function dashboardExprs(): Expr[] {
  const exprs: Expr[] = [];
  for (const f of listFiles('deploy/grafana/dashboards', /\.json$/)) {
    const dash = JSON.parse(readText(f)) as Record<string, unknown>;
    const visit = (panels: unknown[]): void => {
      for (const p of panels) {
        if (!isRecord(p)) continue;
        for (const t of (p['targets'] ?? []) as Record<string, unknown>[]) {
          const ds = at(t, 'datasource', 'type') ?? at(p, 'datasource', 'type');
          if (ds === 'prometheus')
            exprs.push({
              where: `${f} panel "${String(p['title'])}"`,
              expr: expandGrafanaVariables(String(t['expr'])),
            });
        }
        visit((p['panels'] ?? []) as unknown[]);
      }
    };
    visit((dash['panels'] ?? []) as unknown[]);
    for (const v of (at(dash, 'templating', 'list') ?? []) as Record<string, unknown>[]) {
      const q = String(at(v, 'query', 'query') ?? '');
      const m = /^label_values\((.+),\s*\w+\)$/.exec(q);
      if (m?.[1]) exprs.push({ where: `${f} variable ${String(v['name'])}`, expr: m[1] });
    }
  }
  return exprs;
}

/** The PromQL of the Tempo data source's trace-to-metrics links ($__tags is filled by Grafana). */
function datasourceExprs(): Expr[] {
  const ds = readYaml('deploy/grafana/provisioning/datasources/datasources.yaml');
  const tempo = (at(ds, 'datasources') as Record<string, unknown>[]).find(
    (d) => d['uid'] === 'tempo',
  );
  return (
    (at(tempo, 'jsonData', 'tracesToMetrics', 'queries') ?? []) as { name: string; query: string }[]
  ).map((q) => ({
    where: `Tempo data source query "${q.name}"`,
    expr: q.query.replace(/\$\$/g, '$').replace(/\$__tags/g, ''),
  }));
}

describe('PromQL in rules, dashboards and data sources', () => {
  const { exprs: rules, recorded } = ruleExprs();
  const dashboards = dashboardExprs();
  const links = datasourceExprs();

  it('finds the expressions to check', () => {
    assert.ok(rules.length >= 20, `${rules.length} rule expressions`);
    assert.ok(dashboards.length >= 30, `${dashboards.length} dashboard expressions`);
    assert.ok(links.length >= 2);
  });

  it('parses every dashboard and data-source expression (promtool check rules)', () => {
    const all = [...dashboards, ...links];
    const groups = [
      {
        name: 'dashboards',
        rules: all.map((e, i) => ({ record: `dashboard:expr_${i}`, expr: e.expr })),
      },
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'adeline-promql-')), 'dashboards.yml');
    writeFileSync(file, stringify({ groups }));
    const r = run('promtool', ['check', 'rules', file]);
    const failed = r.stdout + r.stderr;
    assert.equal(
      r.status,
      0,
      `${failed}\n${all.map((e, i) => `expr_${i}: ${e.where}`).join('\n')}`,
    );
    assert.match(r.stdout, new RegExp(`SUCCESS: ${all.length} rules found`));
  });

  it('selects only metric names that exist', () => {
    const allowed = allowedMetricNames();
    const unknown: string[] = [];
    for (const e of [...rules, ...dashboards, ...links]) {
      const names = metricNames(e.expr);
      assert.ok(names.length > 0, `${e.where}: no metric in ${e.expr}`);
      for (const n of names)
        if (!allowed.has(n) && !recorded.has(n)) unknown.push(`${e.where}: ${n}`);
    }
    assert.deepEqual(unknown, []);
  });

  it('shows exemplars on span-metric latency panels', () => {
    const dash = JSON.parse(readText('deploy/grafana/dashboards/adeline-overview.json')) as {
      panels: Record<string, unknown>[];
    };
    const withExemplars = dash.panels
      .flatMap((p) => (p['targets'] ?? []) as Record<string, unknown>[])
      .filter((t) => t['exemplar'] === true);
    assert.ok(withExemplars.length >= 2);
    for (const t of withExemplars)
      assert.match(String(t['expr']), /traces_span_metrics_duration_seconds_bucket/);
  });
});

describe('the PromQL metric-name lexer', () => {
  it('finds metric names and skips functions, keywords, labels, strings and durations', () => {
    const expr = `sum by (job, le) (rate(a_total{le="0.5", x=~"b|c"}[5m] offset 1h)) / on (job) group_left (y)
      label_replace(max without (z) (b_seconds), "signal", "traces", "", "") > bool 0.5 or absent(up{job="x"}) unless {__name__="c_bytes"}`;
    assert.deepEqual(metricNames(expr).sort(), ['a_total', 'b_seconds', 'c_bytes', 'up']);
  });

  it('keeps recording-rule names with colons and a metric named like an aggregation', () => {
    assert.deepEqual(metricNames('adeline:frame_latency_slo_errors:ratio_rate1h > (14.4 * 0.01)'), [
      'adeline:frame_latency_slo_errors:ratio_rate1h',
    ]);
    assert.deepEqual(metricNames('count + sum(count)'), ['count']);
  });

  it('rejects unbalanced brackets instead of guessing', () => {
    assert.throws(() => metricNames('rate(x{job="a"[5m])'), /unbalanced/);
  });
});

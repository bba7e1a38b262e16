/**
 * The Prometheus config, alert rules and their unit tests, checked with Debian's promtool 2.42
 * and against docs/operations.md (every alert links a runbook section that exists).
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  at,
  isRecord,
  listFiles,
  markdownAnchors,
  readText,
  readYaml,
  repoPath,
  run,
} from './deploy-files.js';

const RULE_FILES = listFiles('deploy/prometheus/rules', /\.yml$/);
const TEST_FILES = listFiles('deploy/prometheus/tests', /\.test\.yml$/);

/** Prometheus 3 keys of the `otlp` section (OTLPConfig in prometheus/config/config.go, v3.x). */
const PROMETHEUS3_OTLP_KEYS = new Set([
  'promote_resource_attributes',
  'promote_all_resource_attributes',
  'ignore_resource_attributes',
  'translation_strategy',
  'keep_identifying_resource_attributes',
  'convert_histograms_to_nhcb',
  'promote_scope_metadata',
  'label_name_underscore_sanitization',
  'label_name_preserve_multiple_underscores',
]);

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function alertRules(): AlertRule[] {
  const rules: AlertRule[] = [];
  for (const f of RULE_FILES) {
    for (const g of at(readYaml(f), 'groups') as { rules: Record<string, unknown>[] }[]) {
      for (const r of g.rules)
        if (typeof r['alert'] === 'string') rules.push(r as unknown as AlertRule);
    }
  }
  return rules;
}

describe('Prometheus config and rules', () => {
  it('passes promtool check config (the Prometheus-3-only otlp section aside)', () => {
    const cfg = readYaml<Record<string, unknown>>('deploy/prometheus/prometheus.yml');
    const { otlp, ...v2 } = cfg;
    const dir = mkdtempSync(join(tmpdir(), 'adeline-prom-'));
    cpSync(repoPath('deploy/prometheus/rules'), join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'prometheus.yml'), stringify(v2));
    const r = run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /SUCCESS: 2 rule files found/);
    assert.ok(isRecord(otlp), 'the OTLP receiver section is configured');
    for (const key of Object.keys(otlp))
      assert.ok(PROMETHEUS3_OTLP_KEYS.has(key), `otlp.${key} is not a Prometheus 3 option`);
    assert.equal(otlp['translation_strategy'], 'UnderscoreEscapingWithSuffixes');
  });

  it('keeps exemplars and loads every rule file', () => {
    const cfg = readYaml('deploy/prometheus/prometheus.yml');
    assert.ok(Number(at(cfg, 'storage', 'exemplars', 'max_exemplars')) > 0);
    assert.deepEqual(at(cfg, 'rule_files'), ['rules/*.yml']);
  });

  it('passes promtool check rules', () => {
    const r = run('promtool', ['check', 'rules', ...RULE_FILES]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('passes promtool test rules', () => {
    const r = run('promtool', ['test', 'rules', ...TEST_FILES]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal((r.stdout.match(/SUCCESS/g) ?? []).length, TEST_FILES.length);
  });

  it('has a firing and a non-firing unit test case for every alert', () => {
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const f of TEST_FILES) {
      for (const t of at(readYaml(f), 'tests') as {
        alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
      }[]) {
        for (const c of t.alert_rule_test ?? [])
          (c.exp_alerts.length > 0 ? firing : quiet).add(c.alertname);
      }
    }
    const names = alertRules().map((r) => r.alert);
    assert.ok(names.length >= 12, `only ${names.length} alerts`);
    for (const n of names) {
      assert.ok(firing.has(n), `${n} has no test case where it fires`);
      assert.ok(quiet.has(n), `${n} has no test case where it stays quiet`);
    }
  });

  it('gives every alert a severity, a summary, a description and a runbook section that exists', () => {
    const anchors = markdownAnchors(readText('docs/operations.md'));
    const seen = new Set<string>();
    for (const r of alertRules()) {
      assert.ok(!seen.has(r.alert), `alert ${r.alert} is defined twice`);
      seen.add(r.alert);
      assert.match(r.labels?.['severity'] ?? '', /^(critical|warning)$/, `${r.alert} severity`);
      assert.ok(r.annotations?.['summary'], `${r.alert} has no summary`);
      assert.ok(r.annotations?.['description'], `${r.alert} has no description`);
      const url = r.annotations?.['runbook_url'] ?? '';
      assert.equal(url, `docs/operations.md#${r.alert.toLowerCase()}`, `${r.alert} runbook_url`);
      assert.ok(
        anchors.has(r.alert.toLowerCase()),
        `docs/operations.md has no "### ${r.alert}" section`,
      );
    }
  });

  it('rejects a rule file with a broken expression (promtool really parses)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adeline-rules-'));
    const bad = join(dir, 'bad.yml');
    writeFileSync(
      bad,
      stringify({
        groups: [{ name: 'bad', rules: [{ alert: 'Broken', expr: 'sum(rate(x[5m])' }] }],
      }),
    );
    const r = run('promtool', ['check', 'rules', bad]);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /unclosed left parenthesis|parse error/);
  });
});

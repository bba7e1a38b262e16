import assert from 'node:assert/strict';
import { buildLiveView } from '../../src/app/live-wiring.js';
import { localUrl } from '../../src/live/live-enabled.js';
import { loadConfig } from '../../src/config/index.js';
import { HealthRegistry } from '../../src/health/registry.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { captureLogs } from '../helpers/log-capture.js';

const parts = { registry: new HealthRegistry(), sources: () => [], pipelineState: () => 'running' };
const config = (overrides: Record<string, unknown>) => loadConfig({ env: {}, overrides }).config;

describe('live view wiring', () => {
  afterEach(() => configureLogger({ level: 'silent', pretty: 'never' }));

  it('builds no live view on a wildcard address by default, nor with the health server off', () => {
    assert.equal(buildLiveView(config({ 'health.host': '0.0.0.0' }), parts), undefined);
    assert.equal(buildLiveView(config({ 'health.enabled': false }), parts), undefined);
    assert.ok(buildLiveView(config({}), parts));
  });

  it('warns when the live view is enabled on a non-loopback address without auth', () => {
    const lines = captureLogs();
    const live = buildLiveView(
      config({ 'health.host': '0.0.0.0', 'live_view.enabled': true }),
      parts,
    );
    assert.ok(live);
    const warn = lines.find((l) => l.event === 'live_view_unprotected');
    assert.ok(warn, JSON.stringify(lines));
    assert.match(String(warn.msg), /set live_view\.auth\.mode/);
  });

  it('does not warn with auth on', () => {
    const lines = captureLogs();
    const c = config({
      'health.host': '0.0.0.0',
      'live_view.enabled': true,
      'live_view.auth.mode': 'bearer',
      'live_view.auth.token': 't'.repeat(24),
    });
    assert.equal(buildLiveView(c, parts)?.authMode, 'bearer');
    assert.equal(lines.filter((l) => l.event === 'live_view_unprotected').length, 0);
    assert.ok(!JSON.stringify(lines).includes('t'.repeat(24)));
  });

  it('shows a wildcard host as loopback in URLs and brackets IPv6', () => {
    assert.equal(localUrl('0.0.0.0', 8080, '/live'), 'http://127.0.0.1:8080/live');
    assert.equal(localUrl('::1', 8080, '/live'), 'http://[::1]:8080/live');
  });
});

import assert from 'node:assert/strict';
import { BuiltParts, serviceParts, type PartsHost } from '../../src/app/parts.js';
import { StartupCheck } from '../../src/app/health-wiring.js';
import { loadConfig } from '../../src/config/index.js';
import { HealthRegistry } from '../../src/health/index.js';
import { RunStats } from '../../src/pipeline/run-stats.js';
import { DISABLED_TELEMETRY } from '../../src/telemetry/runtime.js';

function host(overrides: Record<string, unknown> = {}): PartsHost {
  return {
    config: loadConfig({ env: {}, overrides }).config,
    registry: new HealthRegistry({ timeoutMs: 1000 }),
    startup: new StartupCheck(),
    handleSignals: true,
    frameLimit: undefined,
    failFast: false,
    telemetry: DISABLED_TELEMETRY,
    controls: {
      state: () => 'starting',
      pause: () => {},
      resume: () => {},
      requestStop: () => {},
      stats: () => new RunStats(1),
      sourcesCount: () => 0,
      health: async () => ({ status: 'healthy', checks: {} }),
    },
    requestStop: () => {},
    loopMode: () => 'running',
  };
}

describe('app parts: the service is a declarative list of parts in start order', () => {
  it('lists the parts in start order, so that they stop in the order DESIGN.md gives', () => {
    const built = new BuiltParts();
    const names = serviceParts(
      host({ 'pipeline.sources': [{ url: 'synthetic:' }, { url: 'synthetic:', id: 5 }] }),
      built,
    )
      .filter((p) => p.enabled !== false)
      .map((p) => p.name);
    assert.deepEqual(names, [
      'preflight',
      'signals',
      'health-registry',
      'health-server',
      'live-view',
      'runtime-gauges',
      'embedded-broker',
      'inference',
      'test-faults',
      'control-plane',
      'data-plane',
      'pipeline',
      'source-0',
      'source-5',
      'health-checks',
      'frame-loop',
    ]);
    assert.deepEqual(
      built.sources.map((s) => s.source.id),
      [0, 5],
      'sources are built with the list, before anything starts',
    );
  });

  it('leaves out the health server, the live view, the embedded broker and the signal handlers when they are off', () => {
    const h = {
      ...host({ 'health.enabled': false, 'mqtt.broker.host': '127.0.0.1' }),
      handleSignals: false,
    };
    const names = serviceParts(h, new BuiltParts())
      .filter((p) => p.enabled !== false)
      .map((p) => p.name);
    for (const off of ['health-server', 'live-view', 'embedded-broker', 'signals'])
      assert.ok(!names.includes(off), off);
  });

  it('rejects a bad source before any part starts, with a config error naming it', () => {
    assert.throws(
      () =>
        serviceParts(
          host({ 'pipeline.sources': [{ url: 'synthetic:?nope=1' }] }),
          new BuiltParts(),
        ),
      (e: Error & { code?: string }) => e.code === 'ADELINE_ERR_CONFIG' && /nope/.test(e.message),
    );
  });
});

/**
 * bootstrap.ts starts telemetry (and registers the module hook) only for `adeline run` with
 * telemetry on and a configuration that loads; everything else, bad input included, gets null.
 */
import assert from 'node:assert/strict';
import { telemetryStartupConfig } from '../../src/telemetry/startup-config.js';

describe('telemetry startup decision', () => {
  it('starts for run with the defaults, and passes on overrides', () => {
    const c = telemetryStartupConfig(['run', '--set', 'telemetry.otlp.timeout_ms=700'], {});
    assert.ok(c);
    assert.equal(c.telemetry.otlp.timeout_ms, 700);
  });

  it('does not start for other commands, for --help, or when telemetry is off', () => {
    assert.equal(telemetryStartupConfig(['health'], {}), null);
    assert.equal(telemetryStartupConfig([], {}), null);
    assert.equal(telemetryStartupConfig(['run', '--help'], {}), null);
    assert.equal(telemetryStartupConfig(['run', '-h'], {}), null);
    assert.equal(telemetryStartupConfig(['run'], { OTEL_SDK_DISABLED: ' TRUE ' }), null);
    assert.equal(telemetryStartupConfig(['run', '--set', 'telemetry.enabled=false'], {}), null);
    assert.equal(telemetryStartupConfig(['run'], { ADELINE_TELEMETRY__ENABLED: 'false' }), null);
  });

  it('does not start (and does not throw) on a configuration the CLI will reject', () => {
    assert.equal(telemetryStartupConfig(['run', '--set', 'models.confidence=7'], {}), null);
    assert.equal(
      telemetryStartupConfig(['run', '--config', '/nonexistent/adeline.yaml'], {}),
      null,
    );
    assert.equal(telemetryStartupConfig(['run', '--set'], {}), null);
    assert.ok(telemetryStartupConfig(['run'], { OTEL_SDK_DISABLED: 'no' }), 'only "true" disables');
  });
});

/** The delivery options of issue 13: spool.replay.* and mqtt.qos.data_checkpoint_ms. */
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { AdelineError } from '../../src/domain/errors.js';

function problems(overrides: Record<string, unknown>): string {
  try {
    loadConfig({ env: {}, overrides });
  } catch (err) {
    assert.ok(err instanceof AdelineError, `expected AdelineError, got ${String(err)}`);
    assert.equal(err.code, 'ADELINE_ERR_CONFIG');
    return err.message;
  }
  return assert.fail('expected a configuration error');
}

describe('configuration: delivery and replay options', () => {
  it('defaults to live data first, 256 replays in flight, no replay rate cap and a 50 ms QoS 0 checkpoint', () => {
    const { config } = loadConfig({ env: {} });
    assert.deepEqual(config.spool.replay, { live_first: true, max_in_flight: 256, rate_per_s: 0 });
    assert.equal(config.mqtt.qos.data_checkpoint_ms, 50);
    assert.equal(config.mqtt.qos.data, 0, 'the Python default QoS stays');
  });

  it('accepts in-order replay with a rate cap', () => {
    const { config } = loadConfig({
      env: {},
      overrides: {
        'spool.replay.live_first': false,
        'spool.replay.rate_per_s': 500,
        'spool.replay.max_in_flight': 1,
      },
    });
    assert.deepEqual(config.spool.replay, { live_first: false, max_in_flight: 1, rate_per_s: 500 });
  });

  it('rejects a replay window of 0, a negative rate and a fractional window, naming each key', () => {
    const msg = problems({
      'spool.replay.max_in_flight': 0,
      'spool.replay.rate_per_s': -5,
    });
    assert.match(msg, /spool\.replay\.max_in_flight/);
    assert.match(msg, /spool\.replay\.rate_per_s/);
    assert.match(problems({ 'spool.replay.max_in_flight': 2.5 }), /spool\.replay\.max_in_flight/);
  });

  it('rejects live_first given as a string', () => {
    assert.match(problems({ 'spool.replay.live_first': 'sometimes' }), /spool\.replay\.live_first/);
  });

  it('rejects a checkpoint interval under 5 ms or over a minute', () => {
    assert.match(problems({ 'mqtt.qos.data_checkpoint_ms': 1 }), /mqtt\.qos\.data_checkpoint_ms/);
    assert.match(
      problems({ 'mqtt.qos.data_checkpoint_ms': 3_600_000 }),
      /mqtt\.qos\.data_checkpoint_ms/,
    );
  });
});

import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { describeIssue } from '../../src/config/describe-issue.js';

function problemsOf(overrides: Record<string, unknown>): string[] {
  try {
    loadConfig({ overrides, env: {} });
  } catch (err) {
    const problems = (err as { details?: { problems?: { path: string; message: string }[] } })
      .details?.problems;
    return (problems ?? []).map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail(`config ${JSON.stringify(overrides)} was accepted`);
}

describe('config error text', () => {
  it('rejects mqtt.qos.data: 7 listing the allowed values 0, 1, 2', () => {
    assert.deepEqual(problemsOf({ 'mqtt.qos.data': 7 }), [
      'mqtt.qos.data: must be one of 0, 1, 2 (got 7)',
    ]);
  });

  it('rejects a string for a QoS and an unknown protocol version with the allowed values', () => {
    assert.deepEqual(problemsOf({ 'mqtt.qos.control': 'high', 'mqtt.protocol_version': 3 }), [
      'mqtt.protocol_version: must be one of 5, 4 (got 3)',
      'mqtt.qos.control: must be one of 0, 1, 2 (got "high")',
    ]);
  });

  it('describes each branch of a union of types, not "Invalid input"', () => {
    const text = describeIssue({
      code: 'invalid_union',
      message: 'Invalid input',
      path: ['k'],
      input: true,
      errors: [
        [{ code: 'invalid_type', expected: 'number', message: 'x', path: [] }],
        [{ code: 'invalid_value', values: ['auto'], message: 'x', path: [] }],
      ],
    });
    assert.equal(text, 'must be one of "auto", or expected number (got true)');
  });

  it("falls back to zod's message for a union without branch issues", () => {
    const text = describeIssue({ code: 'invalid_union', message: 'Invalid input', path: [] });
    assert.equal(text, 'Invalid input');
  });
});

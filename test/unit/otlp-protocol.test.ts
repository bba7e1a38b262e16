/**
 * Which OTLP/HTTP encoding a signal uses: the configured one unless an OTEL_EXPORTER_OTLP_*PROTOCOL
 * variable names another supported one (the signal's own first); bad values are reported, never
 * thrown, and the configured protocol is kept.
 */
import assert from 'node:assert/strict';
import { resolveOtlpProtocol } from '../../src/telemetry/otlp-protocol.js';

describe('OTLP protocol choice', () => {
  it('uses the configured protocol when no variable is set or a variable is blank', () => {
    assert.deepEqual(resolveOtlpProtocol('http/protobuf', {}, 'traces'), {
      protocol: 'http/protobuf',
    });
    assert.deepEqual(
      resolveOtlpProtocol('http/json', { OTEL_EXPORTER_OTLP_PROTOCOL: '  ' }, 'logs'),
      { protocol: 'http/json' },
    );
  });

  it('lets the general variable override, and the signal variable override both', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf',
    };
    assert.equal(resolveOtlpProtocol('http/protobuf', env, 'traces').protocol, 'http/json');
    assert.equal(resolveOtlpProtocol('http/json', env, 'logs').protocol, 'http/protobuf');
  });

  it('accepts any case and surrounding spaces', () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: ' HTTP/JSON ' };
    assert.deepEqual(resolveOtlpProtocol('http/protobuf', env, 'traces'), {
      protocol: 'http/json',
    });
  });

  it('reports grpc or a typo by variable and keeps the configured protocol', () => {
    for (const value of ['grpc', 'http/jsn', 'protobuf', '1']) {
      const env = {
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: value,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      };
      assert.deepEqual(resolveOtlpProtocol('http/protobuf', env, 'traces'), {
        protocol: 'http/protobuf',
        unsupported: { variable: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', value },
      });
    }
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FrameResult } from '../../src/domain/frame-result.js';
import { VALID_COMMANDS } from '../../src/planes/commands/table.js';
import { buildDetectionMessage } from '../../src/planes/detection-message.js';
import { buildMetricsMessage } from '../../src/planes/metrics-message.js';
import { buildStatusMessage, statusOfPipeline } from '../../src/planes/status-message.js';
import { ISO_UTC_PATTERN, isoUtc } from '../../src/planes/timestamp.js';

const schemaOf = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL(`../../docs/schemas/${name}.schema.json`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
const validators = Object.fromEntries(
  ['detection', 'metrics', 'status', 'command'].map((n) => [n, ajv.compile(schemaOf(n))]),
);

// 2025-10-22T14:03:11.201337Z
const T0 = Date.UTC(2025, 9, 22, 14, 3, 11, 201) + 0.337;
const frame: FrameResult = {
  sourceId: 0,
  seq: 1234,
  capturedAtMs: Date.UTC(2025, 9, 22, 14, 3, 11, 100) + 0.512,
  width: 1920,
  height: 1080,
  detections: [
    {
      classId: 0,
      className: 'person',
      confidence: 0.87,
      box: { x1: 860, y1: 340, x2: 1060, y2: 740 },
    },
  ],
  roiMetrics: null,
  stabilized: false,
};

describe('planes: message builders (golden)', () => {
  it('formats timestamps as ISO-8601 UTC with microseconds and a +00:00 offset', () => {
    assert.equal(isoUtc(T0), '2025-10-22T14:03:11.201337+00:00');
    assert.equal(isoUtc(0), '1970-01-01T00:00:00.000000+00:00');
    assert.equal(
      isoUtc(999.9999),
      '1970-01-01T00:00:00.999999+00:00',
      'rounding never spills into the next millisecond',
    );
    assert.match(isoUtc(Date.now()), ISO_UTC_PATTERN);
    assert.throws(() => isoUtc(Number.NaN), RangeError);
  });

  it('builds the spec detection message field by field, in the Python order', () => {
    const msg = buildDetectionMessage(frame, 57, '4bf92f3577b34da6a3ce929d0e0e4736', T0);
    assert.equal(
      JSON.stringify(msg),
      '{"timestamp":"2025-10-22T14:03:11.201337+00:00","detection_count":1,' +
        '"detections":[{"class":"person","confidence":0.87,"bbox":{"x":960,"y":540,"width":200,"height":400},"class_id":0}],' +
        '"frame":{"frame_id":1234,"source_id":0,"timestamp":"2025-10-22T14:03:11.100512+00:00"},' +
        '"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","message_id":57}',
    );
    assert.ok(validators.detection!(msg), JSON.stringify(validators.detection!.errors));
  });

  it('publishes class_id null and the track id when stabilised, and roi_metrics before trace_id', () => {
    const roi = {
      enabled: true,
      crop_applied: false,
      crop_offset: [0, 0] as [number, number],
      roi: null,
      performance: {
        imgsz: 320,
        size_multiple: 0,
        crop_ratio: 1,
        pixel_reduction: 0,
        frame_size: { height: 1080, width: 1920 },
      },
    };
    const d = { ...frame.detections[0]!, trackId: 3 };
    const msg = buildDetectionMessage(
      { ...frame, stabilized: true, detections: [d], roiMetrics: roi },
      1,
      null,
      T0,
    );
    assert.deepEqual(msg.detections[0], {
      class: 'person',
      confidence: 0.87,
      bbox: { x: 960, y: 540, width: 200, height: 400 },
      class_id: null,
      track_id: 3,
    });
    assert.deepEqual(Object.keys(msg), [
      'timestamp',
      'detection_count',
      'detections',
      'frame',
      'roi_metrics',
      'trace_id',
      'message_id',
    ]);
    assert.equal(msg.trace_id, null);
    assert.ok(validators.detection!(msg), JSON.stringify(validators.detection!.errors));
  });

  it('publishes a message for a frame with no detections', () => {
    const msg = buildDetectionMessage({ ...frame, detections: [] }, 2, null, T0);
    assert.equal(msg.detection_count, 0);
    assert.deepEqual(msg.detections, []);
    assert.ok(validators.detection!(msg));
  });

  it('the detection schema rejects messages that break the contract', () => {
    const good = buildDetectionMessage(frame, 1, null, T0);
    const bad = [
      { ...good, message_id: 0 },
      { ...good, timestamp: '2025-10-22T14:03:11.201337' },
      { ...good, trace_id: 'xyz' },
      { ...good, detections: [{ ...good.detections[0], confidence: 1.5 }] },
      { ...good, frame: {} },
    ];
    for (const b of bad)
      assert.equal(validators.detection!(b), false, JSON.stringify(b).slice(0, 80));
  });

  it('builds the metrics message in real milliseconds and never publishes NaN', () => {
    const msg = buildMetricsMessage(
      {
        throughputFps: Number.NaN,
        sourcesCount: 1,
        latencyReports: [
          {
            sourceId: 0,
            frameDecodingLatencyMs: 1.5,
            inferenceLatencyMs: 42,
            e2eLatencyMs: Infinity,
          },
        ],
      },
      T0,
    );
    assert.deepEqual(msg, {
      timestamp: '2025-10-22T14:03:11.201337+00:00',
      throughput_fps: 0,
      latency_reports: [
        {
          source_id: 0,
          frame_decoding_latency_ms: 1.5,
          inference_latency_ms: 42,
          e2e_latency_ms: 0,
        },
      ],
      sources_count: 1,
    });
    assert.ok(validators.metrics!(msg));
  });

  it('builds status messages and maps pipeline states to the Python status values', () => {
    assert.deepEqual(buildStatusMessage('connected', 'adeline-control-h-1-abc123', {}, T0), {
      status: 'connected',
      timestamp: '2025-10-22T14:03:11.201337+00:00',
      client_id: 'adeline-control-h-1-abc123',
    });
    assert.deepEqual(
      ['starting', 'running', 'paused', 'stopped'].map((s) => statusOfPipeline(s as 'running')),
      ['running', 'running', 'paused', 'stopped'],
    );
    const err = buildStatusMessage('error', 'c', { command: 'x' }, T0);
    assert.equal(validators.status!(err), false, 'an error reply needs error and valid_commands');
  });

  it('every schema example validates, and the command schema lists exactly the valid commands', () => {
    for (const name of ['detection', 'metrics', 'status', 'command']) {
      for (const ex of schemaOf(name).examples as unknown[])
        assert.ok(validators[name]!(ex), `${name}: ${JSON.stringify(validators[name]!.errors)}`);
    }
    const defs = schemaOf('command').$defs as { known_commands: { enum: string[] } };
    assert.deepEqual(defs.known_commands.enum, [...VALID_COMMANDS]);
    assert.equal(
      validators.command!({ command: 'set_log_level' }),
      false,
      'set_log_level needs a level',
    );
  });
});

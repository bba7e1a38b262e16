/**
 * The frame processor's tap (the live view's hook), with small fakes (pure logic): it sees the
 * frame while its pixels are valid, every stage's time, and after publish the published
 * detections, the ROI and the trace id; a tap that declines costs nothing more; a failed frame
 * never reports done.
 */
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { Detection } from '../../src/domain/detection.js';
import type { Frame } from '../../src/domain/frame.js';
import { nowMs } from '../../src/domain/frame.js';
import { FrameProcessor } from '../../src/pipeline/frame-processor.js';
import type { FrameTapPort, TappedResult } from '../../src/pipeline/ports.js';
import { RunStats } from '../../src/pipeline/run-stats.js';
import { STAGES } from '../../src/telemetry/schema.js';

const provider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })],
});
const person: Detection = {
  classId: 0,
  className: 'person',
  confidence: 0.9,
  box: { x1: 1, y1: 2, x2: 10, y2: 20 },
};
const crop = { x1: 0, y1: 0, x2: 32, y2: 32 };

function frame(seq: number): Frame & { released: boolean } {
  const t = nowMs();
  const f = {
    sourceId: 2,
    seq,
    width: 64,
    height: 48,
    data: new Uint8Array(64 * 48 * 3).fill(seq),
    capturedAtMs: t,
    decodeStartMs: t - 2,
    released: false,
    release: () => void (f.released = true),
  };
  return f;
}

function processor(tap: FrameTapPort, failInference = false) {
  return new FrameProcessor({
    detector: {
      modelName: 'fake.onnx',
      prepare: () => ({ transform: null }),
      infer: async () => {
        if (failInference) throw new Error('boom');
        const s = nowMs();
        return { inferenceMs: 1.5, workerStartMs: s, workerEndMs: s + 1.5, queueMs: 0 };
      },
      decode: () => [person],
      discard: () => undefined,
    },
    roi: { mode: 'fixed', roiFor: () => crop, update: () => {}, roiMetrics: () => null },
    stabilizer: {
      enabled: false,
      process: (_s: number, d: Detection[]) => d,
      activeTracks: () => 0,
    },
    publisher: { publishFrame: async () => ({ messageId: 41, spooled: false }) },
    stats: new RunStats(10),
    isPaused: () => false,
    tap,
  });
}

describe('frame processor tap', () => {
  before(() => trace.setGlobalTracerProvider(provider));
  after(() => trace.disable());

  it('sees the pixels before release, every stage, and the published result with its trace id', async () => {
    const stages: string[] = [];
    let pixelsAtBegin = -1;
    let released: boolean | undefined;
    let done: TappedResult | undefined;
    const f = frame(9);
    const tap: FrameTapPort = {
      begin: (fr) => {
        pixelsAtBegin = fr.data[0] ?? -1;
        released = f.released;
        return { stage: (s, ms) => (assert.ok(ms >= 0), stages.push(s)), done: (r) => (done = r) };
      },
    };
    assert.equal(await processor(tap).process(f), 'published');
    assert.equal(pixelsAtBegin, 9);
    assert.equal(released, false, 'begin runs before the frame is released');
    assert.deepEqual([...stages].sort(), [...STAGES].sort());
    assert.ok(done);
    assert.deepEqual(done.detections, [person]);
    assert.deepEqual(done.roi, crop);
    assert.equal(done.messageId, 41);
    assert.match(done.traceId, /^[0-9a-f]{32}$/);
    assert.notEqual(done.traceId, '0'.repeat(32));
  });

  it('asks once per frame and does nothing more when the tap declines', async () => {
    let asked = 0;
    const p = processor({ begin: () => void asked++ });
    for (let i = 1; i <= 3; i++) assert.equal(await p.process(frame(i)), 'published');
    assert.equal(asked, 3);
  });

  it('never reports done for a frame that failed', async () => {
    let done = 0;
    const tap: FrameTapPort = { begin: () => ({ stage: () => {}, done: () => void done++ }) };
    assert.equal(await processor(tap, true).process(frame(1)), 'failed');
    assert.equal(done, 0);
  });
});

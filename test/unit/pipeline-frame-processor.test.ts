/**
 * The frame processor with small fakes for its stages (pure logic): one root span per frame with
 * the stage spans in order, the buffer handed back, failures recorded and never thrown.
 */
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import type { Detection } from '../../src/domain/detection.js';
import type { Frame } from '../../src/domain/frame.js';
import { nowMs } from '../../src/domain/frame.js';
import type { FrameResult } from '../../src/domain/frame-result.js';
import { AdelineError } from '../../src/domain/errors.js';
import { FrameProcessor } from '../../src/pipeline/frame-processor.js';
import type { DetectorPort, PublisherPort } from '../../src/pipeline/ports.js';
import { RunStats } from '../../src/pipeline/run-stats.js';
import { LightSpan, setLightSpanSink } from '../../src/telemetry/light-span.js';
import { ATTRS, SPANS, STAGES } from '../../src/telemetry/schema.js';

const exporter = new InMemorySpanExporter();
const spanProcessor = new SimpleSpanProcessor({ exporter });
const provider = new TracerProvider({ spanProcessors: [spanProcessor] });

interface Prepared {
  transform: null;
  id: number;
}
interface Raw {
  inferenceMs: number;
  workerStartMs: number;
  workerEndMs: number;
  queueMs: number;
  preprocessStartMs?: number;
  postprocessEndMs?: number;
}

function frame(seq: number, released: { n: number }): Frame {
  const t = nowMs();
  return {
    sourceId: 3,
    seq,
    width: 64,
    height: 48,
    data: new Uint8Array(64 * 48 * 3),
    capturedAtMs: t,
    decodeStartMs: t - 2,
    release: () => void released.n++,
  };
}

const person: Detection = {
  classId: 0,
  className: 'person',
  confidence: 0.9,
  box: { x1: 1, y1: 2, x2: 10, y2: 20 },
};

function detector(fail?: Error): DetectorPort<Prepared, Raw> & { discarded: number } {
  let id = 0;
  return {
    discarded: 0,
    modelName: 'fake.onnx',
    prepare: () => ({ transform: null, id: ++id }),
    infer: async () => {
      if (fail) throw fail;
      const s = nowMs();
      return { inferenceMs: 1.5, workerStartMs: s, workerEndMs: s + 1.5, queueMs: 0.1 };
    },
    decode: () => [person],
    discard() {
      this.discarded++;
    },
  };
}

/** A detector whose preprocessing and decoding run in the worker (times reported by infer). */
function workerDetector(fail?: Error): DetectorPort<Prepared, Raw> & { decoded: number } {
  let id = 0;
  let preparedAt = 0;
  return {
    decoded: 0,
    modelName: 'fake.onnx',
    stagesInWorker: true,
    prepare: () => ((preparedAt = nowMs()), { transform: null, id: ++id }),
    infer: async () => {
      if (fail) throw fail;
      // The worker starts right after the hand-over; its stages are over when the answer arrives.
      const s = preparedAt;
      return {
        preprocessStartMs: s + 0.001,
        workerStartMs: s + 0.002,
        workerEndMs: s + 0.004,
        postprocessEndMs: s + 0.005,
        inferenceMs: 0.002,
        queueMs: 0.2,
      };
    },
    decode() {
      this.decoded++;
      return [person];
    },
    discard: () => {},
  };
}

const roi = { mode: 'none' as const, roiFor: () => null, update: () => {}, roiMetrics: () => null };
const stabilizer = {
  enabled: false,
  process: (_s: number, d: Detection[]) => d,
  activeTracks: () => 0,
};

function publisher(results: FrameResult[]): PublisherPort {
  return {
    publishFrame: async (r) => (results.push(r), { messageId: results.length, spooled: false }),
  };
}

describe('frame processor', () => {
  before(() => trace.setGlobalTracerProvider(provider));
  after(() => trace.disable());
  beforeEach(() => exporter.reset());

  for (const light of [false, true])
    it(`makes one adeline.frame root span per frame with the stage spans in order (${light ? 'light' : 'SDK'} stage spans)`, async () => {
      setLightSpanSink(light ? { onEnd: (s) => spanProcessor.onEnd(s as ReadableSpan) } : null);
      try {
        await oneFrameTrace(light);
      } finally {
        setLightSpanSink(null);
      }
    });

  async function oneFrameTrace(light: boolean): Promise<void> {
    const results: FrameResult[] = [];
    const stats = new RunStats(100);
    const p = new FrameProcessor({
      detector: detector(),
      roi,
      stabilizer,
      publisher: publisher(results),
      stats,
      isPaused: () => false,
    });
    const released = { n: 0 };
    assert.equal(await p.process(frame(7, released)), 'published');
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === SPANS.frame.name);
    assert.ok(root);
    assert.equal(root.parentSpanContext, undefined);
    assert.equal(root.attributes[ATTRS.frameSeq.name], 7);
    assert.equal(root.attributes[ATTRS.sourceId.name], 3);
    assert.equal(root.attributes[ATTRS.detectionCount.name], 1);
    const children = spans.filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId);
    assert.ok(root instanceof LightSpan === false, 'the root is made by the SDK');
    assert.ok(
      children.every((c) => c instanceof LightSpan === light),
      `stage spans are ${light ? 'light' : 'SDK'} spans`,
    );
    const byStart = [...children].sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
    assert.deepEqual(
      byStart.map((s) => s.name),
      STAGES.map((st) => SPANS[st].name),
    );
    assert.equal(results.length, 1);
    assert.equal(results[0]?.seq, 7);
    assert.equal(results[0]?.detections[0]?.className, 'person');
    assert.ok(released.n >= 1, 'frame buffer released');
    assert.equal(stats.processed, 1);
  }

  it('records a failing inference as ERROR spans, discards nothing it inferred and reports failed', async () => {
    const d = detector(new AdelineError('ADELINE_ERR_INFERENCE', 'boom'));
    const stats = new RunStats(100);
    const results: FrameResult[] = [];
    const p = new FrameProcessor({
      detector: d,
      roi,
      stabilizer,
      publisher: publisher(results),
      stats,
      isPaused: () => true,
    });
    const released = { n: 0 };
    assert.equal(await p.process(frame(1, released)), 'failed');
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === SPANS.frame.name);
    const inf = spans.find((s) => s.name === SPANS.inference.name);
    assert.equal(root?.status.code, 2);
    assert.equal(inf?.status.code, 2);
    assert.equal(root?.attributes[ATTRS.frameDropped.name], true);
    assert.equal(root?.attributes[ATTRS.framePaused.name], true);
    assert.equal(inf?.attributes[ATTRS.errorType.name], 'inference');
    assert.ok(inf?.events.some((e) => e.name === 'exception'));
    assert.equal(d.discarded, 1, 'the prepared input goes back to the pool');
    assert.equal(results.length, 0);
    assert.equal(stats.failed, 1);
    assert.ok(released.n >= 1);
  });

  it('never rejects when publishing throws, and counts the frame as failed', async () => {
    const stats = new RunStats(100);
    const bad: PublisherPort = {
      publishFrame: async () => Promise.reject(new Error('socket closed')),
    };
    const p = new FrameProcessor({
      detector: detector(),
      roi,
      stabilizer,
      publisher: bad,
      stats,
      isPaused: () => false,
    });
    assert.equal(await p.process(frame(2, { n: 0 })), 'failed');
    const pub = exporter.getFinishedSpans().find((s) => s.name === SPANS.publish.name);
    assert.equal(pub?.status.code, 2);
    assert.equal(stats.failed, 1);
  });

  it('records the stages a worker ran from its own times, in order, once each', async () => {
    const stats = new RunStats(100);
    const results: FrameResult[] = [];
    const d = workerDetector();
    const p = new FrameProcessor({
      detector: d,
      roi,
      stabilizer,
      publisher: publisher(results),
      stats,
      isPaused: () => false,
    });
    assert.equal(await p.process(frame(4, { n: 0 })), 'published');
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === SPANS.frame.name)!;
    const children = spans.filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId);
    const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
    const byStart = [...children].sort((a, b) => ms(a.startTime) - ms(b.startTime));
    assert.deepEqual(
      byStart.map((s) => s.name),
      STAGES.map((st) => SPANS[st].name),
    );
    const dur = (name: string) => {
      const s = children.find((c) => c.name === name)!;
      return Math.round((ms(s.endTime) - ms(s.startTime)) * 1000); // µs
    };
    assert.deepEqual(
      [dur(SPANS.preprocess.name), dur(SPANS.inference.name), dur(SPANS.postprocess.name)],
      [1, 2, 1],
    );
    const inf = children.find((c) => c.name === SPANS.inference.name)!;
    assert.equal(inf.attributes[ATTRS.inferenceQueueMs.name], 0.2);
    assert.equal(d.decoded, 1);
    assert.equal(results[0]?.detections.length, 1);
  });

  it('records a failing worker run as an ERROR inference span and reports the frame failed', async () => {
    const stats = new RunStats(100);
    const p = new FrameProcessor({
      detector: workerDetector(new AdelineError('ADELINE_ERR_INFERENCE_TIMEOUT', 'too slow')),
      roi,
      stabilizer,
      publisher: publisher([]),
      stats,
      isPaused: () => false,
    });
    assert.equal(await p.process(frame(5, { n: 0 })), 'failed');
    const spans = exporter.getFinishedSpans();
    const inf = spans.find((s) => s.name === SPANS.inference.name);
    assert.equal(inf?.status.code, 2);
    assert.equal(spans.filter((s) => s.name === SPANS.preprocess.name).length, 0);
    assert.equal(stats.failed, 1);
  });
});

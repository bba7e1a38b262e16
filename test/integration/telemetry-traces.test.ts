/**
 * Issue 4 acceptance: N frames through the real pipeline give exactly N `adeline.frame` traces,
 * each with its stage spans in order and the documented attributes; logs carry the frame's
 * trace_id; a failing stage gives an ERROR span, an error log with the same trace_id, and a count.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTRS, SPANS, STAGES } from '../../src/telemetry/schema.js';
import { OtlpSink, type CapturedSpan } from '../helpers/otlp-sink.js';
import { stopAll, tempDir } from '../helpers/processes.js';
import { startService } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

const FRAME_ATTRS = [
  ATTRS.sourceId,
  ATTRS.frameSeq,
  ATTRS.frameWidth,
  ATTRS.frameHeight,
  ATTRS.model,
  ATTRS.detectionCount,
  ATTRS.roiMode,
  ATTRS.frameDropped,
  ATTRS.framePaused,
].map((a) => a.name);

const isRoot = (s: CapturedSpan) => !s.parentSpanId;
const ns = (s: string) => BigInt(s);

describe('every frame is a trace', function () {
  this.timeout(120_000);
  let sink: OtlpSink;

  beforeEach(async () => {
    sink = new OtlpSink();
    await sink.start();
  });
  afterEach(async () => {
    await stopAll();
    await sink.stop();
  });

  it('runs N frames into exactly N adeline.frame traces with the stage spans in order', async () => {
    const N = 12;
    const run = startService({
      otlpEndpoint: sink.endpoint,
      args: ['--frames', String(N), '--max-fps', '0', '--log-level', 'debug'],
      set: { 'synthetic.live': false },
    });
    assert.equal(await run.proc.exited, 0, run.proc.stderr());
    const frameTraces = [...sink.traces().values()].filter((spans) =>
      spans.some((s) => isRoot(s) && s.name === SPANS.frame.name),
    );
    assert.equal(frameTraces.length, N, `expected ${N} frame traces, got ${frameTraces.length}`);
    const seqs = new Set<number>();
    for (const spans of frameTraces) {
      const root = spans.find(isRoot) as CapturedSpan;
      for (const a of FRAME_ATTRS) assert.ok(a in root.attributes, `root span lacks ${a}`);
      assert.equal(root.attributes[ATTRS.frameDropped.name], false);
      seqs.add(root.attributes[ATTRS.frameSeq.name] as number);
      const children = spans
        .filter((s) => s.parentSpanId === root.spanId)
        .sort((a, b) => (ns(a.startTimeUnixNano) < ns(b.startTimeUnixNano) ? -1 : 1));
      assert.deepEqual(
        children.map((s) => s.name),
        STAGES.map((st) => SPANS[st].name),
      );
      for (const c of children) {
        assert.ok(
          ns(c.startTimeUnixNano) >= ns(root.startTimeUnixNano),
          `${c.name} starts before its frame`,
        );
        assert.ok(
          ns(c.endTimeUnixNano) <= ns(root.endTimeUnixNano),
          `${c.name} ends after its frame`,
        );
      }
      assert.equal(root.resource['service.name'], 'adeline');
      for (const k of [
        'service.version',
        'service.instance.id',
        'deployment.environment.name',
        'host.name',
        'process.pid',
      ]) {
        assert.ok(k in root.resource, `resource lacks ${k}`);
      }
    }
    assert.equal(seqs.size, N);
    // Log correlation: every frame_processed line (stdout and OTLP) carries its frame's trace_id.
    const traceOfSeq = new Map(
      frameTraces.map((spans) => {
        const root = spans.find(isRoot) as CapturedSpan;
        return [root.attributes[ATTRS.frameSeq.name] as number, root.traceId];
      }),
    );
    const lines = run.logs().filter((l) => l.event === 'frame_processed');
    assert.equal(lines.length, N);
    for (const l of lines)
      assert.equal(
        l.trace_id,
        traceOfSeq.get(l.frame_seq as number),
        `stdout log of frame ${String(l.frame_seq)}`,
      );
    const otlpLines = sink.logs.filter((l) => l.attributes.event === 'frame_processed');
    assert.equal(otlpLines.length, N, 'frame_processed records over OTLP');
    for (const l of otlpLines)
      assert.equal(l.traceId, traceOfSeq.get(l.attributes.frame_seq as number));
  });

  it('records a failing stage as an ERROR span with an error log of the same trace and a counted error', async () => {
    const faultFile = join(tempDir(), 'fault.json');
    // The model health probe runs inference too, so it may take one of the injected failures.
    writeFileSync(faultFile, JSON.stringify({ kind: 'error', count: 5 }));
    const run = startService({
      otlpEndpoint: sink.endpoint,
      args: ['--max-fps', '20', '--log-level', 'debug'],
      set: { 'synthetic.live': false, 'resilience.inference.breaker.consecutive_failures': 10 },
      env: { ADELINE_TEST_FAULTS: '1', ADELINE_TEST_FAULT_FILE: faultFile },
    });
    const failures = await waitFor(
      () => {
        const f = run.logs().filter((l) => l.event === 'frame_processing_failed');
        return f.length >= 3 && f;
      },
      { timeoutMs: 30_000, what: 'three failed frames' },
    );
    await run.waitForEvent('frame_processed');
    const metrics = await run.get('/metrics');
    const counted = /adeline_errors_total\{[^}]*error_type="inference"[^}]*\} (\d+)/.exec(
      metrics.body,
    );
    assert.ok(
      counted && Number(counted[1]) >= 3,
      `adeline_errors_total{error_type="inference"} >= 3 in\n${metrics.body.slice(0, 500)}`,
    );
    assert.equal(await run.stop(), 0);
    await waitFor(
      () =>
        sink.spans.length > 0 &&
        failures.every((f) => sink.spans.some((s) => s.traceId === f.trace_id)),
      { what: 'error spans exported' },
    );
    for (const f of failures.slice(0, 3)) {
      assert.ok(f.trace_id, 'error log has a trace_id');
      const spans = sink.spans.filter((s) => s.traceId === f.trace_id);
      const root = spans.find(isRoot) as CapturedSpan;
      assert.equal(root.name, SPANS.frame.name);
      assert.equal(root.status?.code, 2, 'frame span status ERROR');
      assert.equal(root.attributes[ATTRS.frameDropped.name], true);
      const inference = spans.find((s) => s.name === SPANS.inference.name) as CapturedSpan;
      assert.equal(inference.status?.code, 2, 'inference span status ERROR');
      assert.ok(
        inference.events?.some((e) => e.name === 'exception'),
        'exception event',
      );
    }
  });
});

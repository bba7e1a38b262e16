/**
 * Benchmark 3: latency at a fixed 15 fps load. The synthetic source runs live at 15 fps (like a
 * camera; the latest frame wins) with full telemetry, for a fixed time (20 s, 300 frames offered)
 * from its first published frame; then it is stopped with SIGTERM, which writes the run summary.
 * - Per-stage and end-to-end p50/p95/p99 come from the frame traces the service exports to the
 *   sink (one adeline.frame span per frame, one child per stage), leaving out the first 15
 *   processed frames (warm-up: JIT, first inferences). The run summary (--summary-json, every frame) is kept too.
 * - The MQTT consumer measures capture → delivery for every message, in order, so that a growing
 *   queue would show as latency that rises from the first third of the run to the last.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/processes.js';
import { nowMs, sleep } from '../lib/clock.js';
import { pick, type BenchContext } from '../lib/context.js';
import type { BenchModel } from '../lib/models.js';
import type { Goal, ScenarioResult } from '../lib/results.js';
import { ServiceProcess } from '../lib/service.js';
import { distribution, round, type Distribution } from '../lib/stats.js';
import { INTRA_OP_THREADS } from './throughput.js';

const FPS = 15;
const INTERVAL_MS = 1000 / FPS;
const WARMUP_FRAMES = FPS;

interface RunSummaryJson {
  durationS: number;
  fps: number;
  frames: { read: number; processed: number; failed: number; dropped: Record<string, number> };
  latencyMs: Record<string, { p50: number; p95: number; p99: number }>;
}

const STAGE_SPANS = [
  'capture',
  'roi',
  'preprocess',
  'inference',
  'postprocess',
  'stabilize',
  'publish',
] as const;

interface ModelLatency {
  model: string;
  durationS: number;
  /** From the traces, after the first 15 frames: e2e (adeline.frame) and each stage span, ms. */
  tracedFrames: number;
  e2eMs: Distribution;
  stageMs: Record<string, Distribution>;
  summary: RunSummaryJson;
  /** Capture → delivered to the consumer, ms, in the first and last third of the run. */
  deliveredFirstThirdMs: Distribution;
  deliveredLastThirdMs: Distribution;
  backpressureDrops: number;
}

async function measureModel(ctx: BenchContext, model: BenchModel): Promise<ModelLatency> {
  const durationS = pick(ctx, 20, 4);
  const summaryPath = join(tempDir('adeline-bench-latency-'), 'summary.json');
  ctx.log(`  ${model.key}: ${durationS} s at ${FPS} fps`);
  ctx.counter.reset();
  ctx.counter.recordLatency = true;
  ctx.sink.frames.clear();
  ctx.sink.captureFrames = true;
  const svc = new ServiceProcess({
    model: model.path,
    telemetry: 'live',
    otlpEndpoint: ctx.sink.endpoint,
    brokerUrl: ctx.brokerUrl,
    summaryJson: summaryPath,
    set: {
      'synthetic.live': true,
      'synthetic.fps': FPS,
      'pipeline.max_fps': 0,
      'models.intra_op_threads': INTRA_OP_THREADS,
      // The sink reads the stage durations from the exported traces, which it parses as JSON.
      'telemetry.otlp.protocol': 'http/json',
    },
  });
  try {
    await svc.started();
    const deadline = nowMs() + 60_000;
    while (ctx.counter.count === 0) {
      if (nowMs() > deadline || svc.child.exitCode !== null)
        throw svc.failure('published no detection message within 60 s');
      await sleep(20);
    }
    await sleep(durationS * 1000);
    const code = await svc.stop();
    if (code !== 0) throw svc.failure(`exited with ${code} after SIGTERM`);
  } finally {
    await svc.stop();
    ctx.counter.recordLatency = false;
    ctx.sink.captureFrames = false;
  }
  // Warm-up: the first 15 processed frames (one second: JIT, first inferences) are left out.
  const steady = [...ctx.sink.frames.values()]
    .filter((t) => t.seq !== null && t.spans['adeline.frame'] !== undefined)
    .sort((a, b) => (a.seq as number) - (b.seq as number))
    .slice(WARMUP_FRAMES);
  ctx.sink.frames.clear();
  const spanDist = (name: string) =>
    distribution(steady.map((t) => t.spans[name]).filter((v): v is number => v !== undefined));
  const stageMs: Record<string, Distribution> = {};
  for (const st of STAGE_SPANS) stageMs[st] = spanDist(`adeline.${st}`);
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummaryJson;
  const lat = ctx.counter.latencies().slice(WARMUP_FRAMES);
  const third = Math.floor(lat.length / 3);
  return {
    model: model.key,
    durationS,
    tracedFrames: steady.length,
    e2eMs: spanDist('adeline.frame'),
    stageMs,
    summary,
    deliveredFirstThirdMs: distribution(lat.slice(0, third)),
    deliveredLastThirdMs: distribution(lat.slice(lat.length - third)),
    backpressureDrops: summary.frames.dropped.backpressure ?? 0,
  };
}

function goalsOf(m: ModelLatency, model: BenchModel): Goal[] {
  const e2e = m.e2eMs;
  const stages = Object.entries(m.stageMs)
    .map(([s, l]) => `${s} ${l.p50}/${l.p95}/${l.p99}`)
    .join('; ');
  const processed = m.summary.frames.processed;
  const dropShare = processed > 0 ? m.backpressureDrops / (processed + m.backpressureDrops) : 1;
  const first = m.deliveredFirstThirdMs;
  const last = m.deliveredLastThirdMs;
  const noGrowth = last.p95 <= first.p95 * 1.25 + 5;
  return [
    {
      id: `latency_e2e.${model.key}`,
      section: '3. Latency at 15 fps',
      title: 'end-to-end p50 / p95 / p99 (capture → published)',
      model: model.label,
      value: e2e.p99,
      unit: 'ms (p99)',
      goal: `p99 < one frame interval (${round(INTERVAL_MS, 1)} ms)`,
      met: e2e.count > 0 && e2e.p99 < INTERVAL_MS,
      absolute: `e2e ${e2e.p50} / ${e2e.p95} / ${e2e.p99} ms over ${e2e.count} traced frames after the first 15; per stage p50/p95/p99 ms: ${stages}`,
    },
    {
      id: `latency_queue_bounded.${model.key}`,
      section: '3. Latency at 15 fps',
      title: 'queueing bounded: backpressure drops, delivered-latency trend',
      model: model.label,
      value: round(dropShare * 100, 2),
      unit: '% dropped',
      goal: '<= 1 % dropped, last-third p95 <= 1.25 × first-third p95 + 5 ms',
      met: dropShare <= 0.01 && noGrowth,
      absolute: `${processed} frames processed, ${m.backpressureDrops} dropped for backpressure; capture → consumer p95 ${first.p95} ms (first third) → ${last.p95} ms (last third)`,
    },
  ];
}

export async function latency(ctx: BenchContext): Promise<ScenarioResult> {
  const goals: Goal[] = [];
  const data: ModelLatency[] = [];
  for (const model of ctx.models) {
    const m = await measureModel(ctx, model);
    data.push(m);
    goals.push(...goalsOf(m, model));
  }
  return { goals, data };
}

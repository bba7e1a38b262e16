/**
 * Benchmarks 1 and 2 (and the dead-collector check of issue 4), per model:
 * - pipeline efficiency: frames/s of the full service (synthetic source → MQTT publish, telemetry
 *   on, exporting to a live OTLP sink) ÷ runs/s of a bare onnxruntime-node loop on the same model;
 * - telemetry overhead: the same service with telemetry.enabled=false, throughput ratio;
 * - dead collector: telemetry pointed at a closed port; throughput vs the live sink, memory trend.
 * Runs are interleaved (live, off, dead, off, live) so that drift of the machine cancels out, and
 * the bare loop runs before and after them.
 */
import { bareOrt, type BareResult } from '../lib/bare.js';
import { pick, type BenchContext } from '../lib/context.js';
import { measureRun, type RunMeasurement } from '../lib/measure.js';
import type { BenchModel } from '../lib/models.js';
import { atLeast, atMost, type Goal, type ScenarioResult } from '../lib/results.js';
import type { TelemetryMode } from '../lib/service.js';
import { mean, round } from '../lib/stats.js';

export const INTRA_OP_THREADS = 2; // the service default (models.intra_op_threads)

interface ModelThroughput {
  model: string;
  bare: BareResult[];
  runs: RunMeasurement[];
  bareFps: number;
  liveFps: number;
  offFps: number;
  deadFps: number;
}

const fpsOf = (runs: RunMeasurement[], mode: TelemetryMode): number[] =>
  runs.filter((r) => r.telemetry === mode).map((r) => r.fps);

const range = (v: number[]): string =>
  v.length > 1 ? ` (runs ${v.map((x) => x.toFixed(1)).join(', ')})` : '';

async function measureModel(ctx: BenchContext, model: BenchModel): Promise<ModelThroughput> {
  const warmupS = pick(ctx, 3, 1);
  const windowS = pick(ctx, 10, 3);
  const order: TelemetryMode[] = pick(ctx, ['live', 'off', 'dead', 'off', 'live'], ['live', 'off', 'dead']);
  const bare: BareResult[] = [];
  ctx.log(`  bare onnxruntime-node loop, ${model.key}`);
  bare.push(await bareOrt(model.path, INTRA_OP_THREADS, pick(ctx, 2, 1), pick(ctx, 8, 3)));
  const runs: RunMeasurement[] = [];
  for (const mode of order) {
    ctx.log(`  service, ${model.key}, telemetry ${mode}`);
    runs.push(
      await measureRun(
        ctx,
        {
          model: model.path,
          telemetry: mode,
          otlpEndpoint: mode === 'live' ? ctx.sink.endpoint : ctx.deadEndpoint,
          brokerUrl: ctx.brokerUrl,
          set: { 'models.intra_op_threads': INTRA_OP_THREADS },
        },
        { warmupS, windowS },
      ),
    );
  }
  if (!ctx.opts.quick) {
    ctx.log(`  bare onnxruntime-node loop again, ${model.key}`);
    bare.push(await bareOrt(model.path, INTRA_OP_THREADS, 2, 8));
  }
  return {
    model: model.key,
    bare,
    runs,
    bareFps: round(mean(bare.map((b) => b.fps)), 2),
    liveFps: round(mean(fpsOf(runs, 'live')), 2),
    offFps: round(mean(fpsOf(runs, 'off')), 2),
    deadFps: round(mean(fpsOf(runs, 'dead')), 2),
  };
}

function goalsOf(m: ModelThroughput, model: BenchModel): Goal[] {
  const live = fpsOf(m.runs, 'live');
  const off = fpsOf(m.runs, 'off');
  const efficiency = m.bareFps > 0 ? m.liveFps / m.bareFps : 0;
  const loss = m.offFps > 0 ? 1 - m.liveFps / m.offFps : 0;
  const deadRatio = m.liveFps > 0 ? m.deadFps / m.liveFps : 0;
  const dead = m.runs.find((r) => r.telemetry === 'dead');
  const rssGrowth = dead ? dead.memory.rssEndMiB / dead.memory.rssStartMiB - 1 : 0;
  const liveRun = m.runs.find((r) => r.telemetry === 'live');
  const rssVsLive = dead && liveRun ? dead.memory.rssMaxMiB / liveRun.memory.rssMaxMiB - 1 : 0;
  const bareCores = mean(m.bare.map((b) => b.cores));
  return [
    {
      id: `efficiency.${model.key}`,
      section: '1. Pipeline efficiency',
      title: 'full pipeline fps ÷ bare onnxruntime-node fps',
      model: model.label,
      value: round(efficiency, 3),
      unit: 'ratio',
      goal: '>= 0.95',
      met: atLeast(efficiency, 0.95),
      absolute: `${m.liveFps} fps pipeline${range(live)} / ${m.bareFps} runs/s bare (${round(bareCores, 2)} cores)`,
    },
    {
      id: `telemetry_overhead.${model.key}`,
      section: '2. Telemetry overhead',
      title: 'throughput lost with full telemetry vs telemetry disabled',
      model: model.label,
      value: round(loss * 100, 2),
      unit: '%',
      goal: '<= 1 %',
      met: atMost(loss, 0.01),
      absolute: `${m.liveFps} fps on${range(live)} / ${m.offFps} fps off${range(off)}`,
    },
    {
      id: `dead_collector_throughput.${model.key}`,
      section: '2. Telemetry overhead',
      title: 'dead collector fps ÷ live sink fps',
      model: model.label,
      value: round(deadRatio, 3),
      unit: 'ratio',
      goal: '>= 0.98',
      met: atLeast(deadRatio, 0.98),
      absolute: `${m.deadFps} fps dead / ${m.liveFps} fps live; ${dead?.telemetryDropped ?? 0} spans+logs dropped`,
    },
    {
      id: `dead_collector_memory.${model.key}`,
      section: '2. Telemetry overhead',
      title: 'dead collector: RSS growth over the window',
      model: model.label,
      value: round(rssGrowth * 100, 2),
      unit: '%',
      goal: '< 5 %, and RSS within 10 % of the live run',
      met: rssGrowth < 0.05 && rssVsLive < 0.1,
      absolute: dead
        ? `RSS ${dead.memory.rssStartMiB} → ${dead.memory.rssEndMiB} MiB (max ${dead.memory.rssMaxMiB}; live max ${liveRun?.memory.rssMaxMiB ?? '?'}), heap ${dead.memory.heapStartMiB} → ${dead.memory.heapEndMiB} MiB`
        : 'not measured',
    },
  ];
}

export async function throughput(ctx: BenchContext): Promise<ScenarioResult> {
  const goals: Goal[] = [];
  const data: ModelThroughput[] = [];
  for (const model of ctx.models) {
    const m = await measureModel(ctx, model);
    data.push(m);
    goals.push(...goalsOf(m, model));
  }
  return { goals, data };
}

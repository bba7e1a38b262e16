/**
 * Benchmark 7: multi-stream scaling. 1, 2 and 4 synthetic sources, each live at 5 fps (like
 * cameras), in one service process with full telemetry. The CPU time of the process (all its
 * threads, from /proc/PID/stat) over a window, divided by the wall time and by the number of
 * streams, gives the CPU per stream; a least-squares line through the points where every stream
 * kept its 5 fps separates the fixed cost of a process from the cost each stream adds, so
 * docs/scaling.md can say how many streams one core serves. The synthetic scene renders its frames, where a camera stream would
 * cost an ffmpeg decode instead.
 */
import { pick, type BenchContext } from '../lib/context.js';
import { measureRun, type RunMeasurement } from '../lib/measure.js';
import type { BenchModel } from '../lib/models.js';
import type { Goal, ScenarioResult } from '../lib/results.js';
import { round } from '../lib/stats.js';
import { INTRA_OP_THREADS } from './throughput.js';

const STREAM_FPS = 5;
const COUNTS = [1, 2, 4];

interface ScalingPoint {
  streams: number;
  run: RunMeasurement;
  coresPerStream: number;
}

interface ModelScaling {
  model: string;
  points: ScalingPoint[];
  /** cores = baseCores + perStreamCores × streams (least squares). */
  baseCores: number;
  perStreamCores: number;
  /** Streams one core serves: (1 − baseCores) / perStreamCores, rounded down. */
  streamsPerCore: number;
}

function fit(points: ScalingPoint[]): { base: number; slope: number } {
  const n = points.length;
  const xs = points.map((p) => p.streams);
  const ys = points.map((p) => p.run.cores);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  const slope = den > 0 ? num / den : 0;
  return { base: my - slope * mx, slope };
}

async function measureModel(ctx: BenchContext, model: BenchModel): Promise<ModelScaling> {
  const points: ScalingPoint[] = [];
  for (const streams of COUNTS) {
    ctx.log(`  ${model.key}: ${streams} stream(s) at ${STREAM_FPS} fps`);
    const run = await measureRun(
      ctx,
      {
        model: model.path,
        telemetry: 'live',
        otlpEndpoint: ctx.sink.endpoint,
        brokerUrl: ctx.brokerUrl,
        sources: Array.from({ length: streams }, (_, i) => `synthetic:?seed=${i + 1}`),
        set: {
          'synthetic.live': true,
          'synthetic.fps': STREAM_FPS,
          'pipeline.max_fps': 0,
          'models.intra_op_threads': INTRA_OP_THREADS,
        },
      },
      { warmupS: pick(ctx, 2, 1), windowS: pick(ctx, 6, 3) },
    );
    points.push({ streams, run, coresPerStream: round(run.cores / streams, 3) });
  }
  // A point where the process could not keep every stream at 5 fps measures saturation, not cost.
  const kept = points.filter((p) => p.run.fps >= STREAM_FPS * p.streams * 0.95);
  const { base, slope } =
    kept.length >= 2
      ? fit(kept)
      : { base: 0, slope: kept[0]?.coresPerStream ?? points[0]?.coresPerStream ?? 0 };
  return {
    model: model.key,
    points,
    baseCores: round(base, 3),
    perStreamCores: round(slope, 3),
    streamsPerCore: slope > 0 ? Math.max(0, Math.floor((1 - Math.max(base, 0)) / slope)) : 0,
  };
}

function goalsOf(m: ModelScaling, model: BenchModel): Goal[] {
  const kept = m.points.every((p) => p.run.fps >= STREAM_FPS * p.streams * 0.95);
  const pts = m.points
    .map(
      (p) =>
        `${p.streams}: ${p.run.cores} cores, ${p.run.fps} fps, RSS ${p.run.memory.rssMaxMiB} MiB`,
    )
    .join('; ');
  return [
    {
      id: `scaling.${model.key}`,
      section: '7. Multi-stream scaling',
      title: `CPU per ${STREAM_FPS}-fps stream (process CPU ÷ wall ÷ streams)`,
      model: model.label,
      value: m.perStreamCores,
      unit: 'cores/stream',
      goal: 'reported (docs/scaling.md)',
      met: null,
      absolute: `${m.baseCores} cores fixed + ${m.perStreamCores} per stream → about ${m.streamsPerCore} streams per core; ${pts}${kept ? '' : '; NOT every stream kept its 5 fps'}`,
    },
  ];
}

export async function scaling(ctx: BenchContext): Promise<ScenarioResult> {
  const goals: Goal[] = [];
  const data: ModelScaling[] = [];
  for (const model of ctx.models) {
    const m = await measureModel(ctx, model);
    data.push(m);
    goals.push(...goalsOf(m, model));
  }
  return { goals, data };
}

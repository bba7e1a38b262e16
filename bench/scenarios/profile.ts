/**
 * `--profile` (or `--only profile`): the full-speed, full-telemetry run of each model again, with
 * node --cpu-prof on every thread of the service, summarised by component and by function. This
 * is the profile docs/benchmarks.md quotes where a goal is not met.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pick, type BenchContext } from '../lib/context.js';
import { summariseDir, type ProfileSummary } from '../lib/cpu-profile.js';
import { measureRun, type RunMeasurement } from '../lib/measure.js';
import type { ScenarioResult } from '../lib/results.js';
import { INTRA_OP_THREADS } from './throughput.js';

interface ModelProfile {
  model: string;
  run: RunMeasurement;
  dir: string;
  /** One per thread (main thread, inference worker), the measurement window only. */
  threads: ProfileSummary[];
}

export async function profile(ctx: BenchContext): Promise<ScenarioResult> {
  const data: ModelProfile[] = [];
  for (const model of [...ctx.models, ctx.soakModel]) {
    const dir = join(ctx.profileDir, model.key);
    mkdirSync(dir, { recursive: true });
    ctx.log(`  ${model.key}: --cpu-prof of every thread`);
    const small: Record<string, number> =
      model.key === 'soak' ? { 'synthetic.width': 320, 'synthetic.height': 240 } : {};
    const run = await measureRun(
      ctx,
      {
        model: model.path,
        telemetry: 'live',
        otlpEndpoint: ctx.sink.endpoint,
        brokerUrl: ctx.brokerUrl,
        cpuProfDir: dir,
        set: { 'models.intra_op_threads': INTRA_OP_THREADS, ...small },
      },
      { warmupS: pick(ctx, 2, 1), windowS: pick(ctx, 8, 3) },
    );
    data.push({ model: model.key, run, dir, threads: summariseDir(dir, 25, run.window) });
    for (const t of data[data.length - 1]!.threads) {
      ctx.log(
        `    ${t.file}: ${t.byComponent
          .slice(0, 4)
          .map((c) => `${c.component} ${c.share} %`)
          .join(', ')}`,
      );
    }
  }
  return { goals: [], data };
}

/**
 * Benchmark 8: memory after a burst of control commands (issue 13). The service runs as deployed:
 * its own Mosquitto with deploy/mosquitto/mosquitto.conf (authentication, ACL, queue limits), the
 * synthetic scene at 10 frames/s with full telemetry. After a warm-up, RSS is read from /proc
 * twice a second for 30 s before the burst; then an operator sends 2,000 `status` commands at
 * once (QoS 1, pipelined) and waits for every reply; RSS is read for 60 s more. Goals: every
 * command answered, and the median RSS 30–60 s after within 10 % of the median before. The
 * windows are long because RSS has a sawtooth of about 30 MiB with a period of about a minute
 * even without commands (docs/operations.md#memory-after-bursts). The
 * same run with V8's own young-generation sizing (ADELINE_MAX_SEMI_SPACE_MB=0, what the service
 * did before the cap in bin/adeline) is reported alongside, with the V8 heap spaces that explain
 * the difference.
 */
import { sendBurst, type BurstResult } from '../../test/helpers/control-burst.js';
import { DEPLOY_USERS, startDeployMosquitto } from '../../test/helpers/deploy-mosquitto.js';
import { every, nowMs, sleep } from '../lib/clock.js';
import { pick, type BenchContext } from '../lib/context.js';
import { atLeast, atMost, type Goal, type ScenarioResult } from '../lib/results.js';
import { ServiceProcess } from '../lib/service.js';
import { max, median, round } from '../lib/stats.js';

const MiB = 2 ** 20;
const COMMANDS = 2000;

interface Sample {
  phase: 'before' | 'burst' | 'after';
  /** Seconds from the end of the burst (negative: before it; 0 during it). */
  t: number;
  rssMiB: number;
}

interface Spaces {
  /** V8 heap spaces, physical MiB: the young generation and the old one. */
  newSpaceMiB: number;
  oldSpaceMiB: number;
}

export interface BurstRun {
  semiSpaceMb: string;
  burst: BurstResult;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  growthPct: number;
  spacesBefore: Spaces | null;
  spacesAfter: Spaces | null;
  samples: Sample[];
}

async function spaces(svc: ServiceProcess): Promise<Spaces | null> {
  const s = await svc.metrics().catch(() => null);
  if (!s) return null;
  const phys = (space: string) =>
    round(s.sum('v8js_memory_heap_space_physical_size', { v8js_heap_space_name: space }) / MiB, 1);
  return { newSpaceMiB: phys('new_space'), oldSpaceMiB: phys('old_space') };
}

async function runOnce(ctx: BenchContext, semiSpaceMb: string): Promise<BurstRun> {
  const warmUpMs = pick(ctx, 20_000, 8_000);
  const beforeMs = pick(ctx, 30_000, 5_000);
  const afterMs = pick(ctx, 60_000, 20_000);
  const tailMs = pick(ctx, 30_000, 5_000);
  const broker = await startDeployMosquitto();
  const model = ctx.models[0]!;
  const svc = new ServiceProcess({
    model: model.path,
    telemetry: 'live',
    otlpEndpoint: ctx.sink.endpoint,
    brokerUrl: broker.url,
    set: {
      'mqtt.broker.username': 'adeline',
      'mqtt.broker.password': DEPLOY_USERS.adeline,
      'pipeline.max_fps': 10,
      'synthetic.live': true,
    },
    env: { ADELINE_MAX_SEMI_SPACE_MB: semiSpaceMb },
  });
  const samples: Sample[] = [];
  // Each sample records the phase it was taken in; `t` is seconds from the end of the burst.
  let phase: Sample['phase'] = 'before';
  let burstEnd = 0;
  try {
    await svc.started();
    await sleep(warmUpMs);
    const sampling = nowMs();
    const stop = every(500, () => {
      const now = nowMs();
      const t =
        phase === 'before' ? now - sampling - beforeMs : phase === 'after' ? now - burstEnd : 0;
      try {
        samples.push({ phase, t: round(t / 1000, 1), rssMiB: round(svc.rssBytes() / MiB, 1) });
      } catch {
        /* exited meanwhile: the sample is missing */
      }
    });
    await sleep(beforeMs);
    const spacesBefore = await spaces(svc);
    phase = 'burst';
    const burst = await sendBurst({
      url: broker.url,
      count: COMMANDS,
      username: 'operator',
      password: DEPLOY_USERS.operator,
      timeoutMs: 60_000,
    });
    burstEnd = nowMs();
    phase = 'after';
    await sleep(afterMs);
    await stop();
    const spacesAfter = await spaces(svc);
    if (svc.child.exitCode !== null) throw svc.failure('exited during the burst scenario');
    const before = samples.filter((s) => s.phase === 'before').map((s) => s.rssMiB);
    const after = samples.filter((s) => s.phase !== 'before');
    const tail = after
      .filter((s) => s.phase === 'after' && s.t >= (afterMs - tailMs) / 1000)
      .map((s) => s.rssMiB);
    const rssBeforeMiB = round(median(before), 1);
    const rssAfterMiB = round(median(tail), 1);
    return {
      semiSpaceMb,
      burst,
      rssBeforeMiB,
      rssPeakMiB: round(max(after.map((s) => s.rssMiB)), 1),
      rssAfterMiB,
      growthPct: round((rssAfterMiB / rssBeforeMiB - 1) * 100, 1),
      spacesBefore,
      spacesAfter,
      samples,
    };
  } finally {
    await svc.stop();
    await broker.stop();
  }
}

const describe = (r: BurstRun, afterS: number, tailS: number): string => {
  const sp = (s: Spaces | null) => (s ? `new ${s.newSpaceMiB}, old ${s.oldSpaceMiB}` : 'n/a');
  return (
    `RSS ${r.rssBeforeMiB} → ${r.rssAfterMiB} MiB (median before vs ${afterS - tailS}–${afterS} s after; peak ${r.rssPeakMiB}); ` +
    `V8 heap spaces (physical MiB) before: ${sp(r.spacesBefore)}, after: ${sp(r.spacesAfter)}; ` +
    `${r.burst.sent - r.burst.missing}/${r.burst.sent} answered in ${round(r.burst.durationMs, 0)} ms`
  );
};

export async function burst(ctx: BenchContext): Promise<ScenarioResult> {
  const afterS = pick(ctx, 60, 20);
  const tailS = pick(ctx, 30, 5);
  ctx.log(`  ${COMMANDS} status commands through the deployed broker config; RSS for ${afterS} s`);
  const capped = await runOnce(ctx, '16');
  ctx.log(`  again with V8's own young-generation sizing (ADELINE_MAX_SEMI_SPACE_MB=0)`);
  const v8default = await runOnce(ctx, '0');
  const model = ctx.models[0]!.label;
  const answered = capped.burst.sent - capped.burst.missing;
  const goals: Goal[] = [
    {
      id: 'burst.answered',
      section: '9. Control burst',
      title: `control commands answered, of a burst of ${COMMANDS}`,
      model,
      value: answered,
      unit: 'replies',
      goal: `= ${COMMANDS}`,
      met: atLeast(answered, COMMANDS),
      absolute: `${answered}/${COMMANDS} replies (${JSON.stringify(capped.burst.byStatus)}), ${capped.burst.duplicated} duplicated, ${round(capped.burst.durationMs, 0)} ms from the first command to the last reply`,
    },
    {
      id: 'burst.rss',
      section: '9. Control burst',
      title: `RSS ${afterS} s after a burst of ${COMMANDS} commands, vs before`,
      model,
      value: capped.growthPct,
      unit: '%',
      goal: '< 10 %',
      met: atMost(capped.growthPct, 9.999),
      absolute: describe(capped, afterS, tailS),
    },
    {
      id: 'burst.rss_v8_default',
      section: '9. Control burst',
      title: `the same with V8's own young-generation sizing (ADELINE_MAX_SEMI_SPACE_MB=0)`,
      model,
      value: v8default.growthPct,
      unit: '%',
      goal: '(reported)',
      met: null,
      absolute: describe(v8default, afterS, tailS),
    },
  ];
  const warnings =
    capped.burst.missing > 0 ? [`burst: ${capped.burst.missing} commands got no reply`] : [];
  return { goals, data: { capped, v8default }, warnings };
}

/**
 * Benchmark 5 (and the event-loop bench of issue 2): while the service runs at full speed with
 * full telemetry, /health/ready is probed every 20 ms from this process over HTTP (a new
 * connection each time, like a kubelet), and /health/detailed is read every 500 ms for the
 * event_loop check's maximum delay over each 1-s check interval (the figure the service also
 * exports as adeline_event_loop_delay_max_seconds; /metrics is not scraped, so that the bench adds
 * no metrics serialisation to the loop it measures).
 * Then the inference engine runs alone in this process at full speed, with monitorEventLoopDelay
 * (1 ms resolution) on the main thread.
 */
import { every } from '../lib/clock.js';
import { pick, type BenchContext } from '../lib/context.js';
import { engineLoop, type EngineLoopResult } from '../lib/engine-loop.js';
import { measureRun, type RunMeasurement } from '../lib/measure.js';
import type { BenchModel } from '../lib/models.js';
import { startProbing, type ProbeSamples } from '../lib/probe.js';
import { atMost, type Goal, type ScenarioResult } from '../lib/results.js';
import { distribution, max, round, type Distribution } from '../lib/stats.js';
import { INTRA_OP_THREADS } from './throughput.js';

/** The event_loop check's last result from /health/detailed (cheap: a cached result, no scrape). */
export async function eventLoopCheck(
  port: number,
): Promise<{ maxMs: number; checkedAt: number } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/detailed`);
    const body = (await res.json()) as {
      checks?: Record<string, { details?: { max_ms?: number }; checked_at?: number }>;
    };
    const c = body.checks?.event_loop;
    if (typeof c?.details?.max_ms !== 'number') return null;
    return { maxMs: c.details.max_ms, checkedAt: c.checked_at ?? 0 };
  } catch {
    return null;
  }
}

interface ModelResponsiveness {
  model: string;
  run: RunMeasurement;
  readyProbeMs: Distribution;
  readyStatuses: Record<string, number>;
  probeErrors: number;
  /** Maximum of the event_loop check's max_ms (adeline_event_loop_delay_max_seconds) over the window, ms. */
  serviceEventLoopMaxMs: number;
  eventLoopIntervals: number;
  engine: EngineLoopResult;
}

async function measureModel(ctx: BenchContext, model: BenchModel): Promise<ModelResponsiveness> {
  let probes: ProbeSamples = { ms: [], statuses: {}, errors: 0 };
  const eld: number[] = [];
  let lastCheckedAt = 0;
  ctx.log(`  service at full speed, ${model.key}: probing /health/ready every 20 ms`);
  const run = await measureRun(
    ctx,
    {
      model: model.path,
      telemetry: 'live',
      otlpEndpoint: ctx.sink.endpoint,
      brokerUrl: ctx.brokerUrl,
      set: { 'models.intra_op_threads': INTRA_OP_THREADS },
    },
    {
      warmupS: pick(ctx, 2, 1),
      windowS: pick(ctx, 8, 3),
      during: (svc) => {
        const stopProbe = startProbing(svc.healthPort, '/health/ready', 20);
        // An interval that began before the window may hold the bench's own /metrics scrape.
        const firstFull = Date.now() / 1000 + 1.05;
        const stopScrape = every(500, async () => {
          const r = await eventLoopCheck(svc.healthPort);
          if (r && r.checkedAt !== lastCheckedAt && r.checkedAt >= firstFull) {
            lastCheckedAt = r.checkedAt;
            eld.push(r.maxMs);
          }
        });
        return async () => {
          probes = await stopProbe();
          await stopScrape();
        };
      },
    },
  );
  ctx.log(`  inference engine alone in this process, ${model.key}: monitorEventLoopDelay`);
  const engine = await engineLoop(model.path, INTRA_OP_THREADS, pick(ctx, 1.5, 1), pick(ctx, 5, 2));
  return {
    model: model.key,
    run,
    readyProbeMs: distribution(probes.ms),
    readyStatuses: probes.statuses,
    probeErrors: probes.errors,
    serviceEventLoopMaxMs: round(max(eld), 2),
    eventLoopIntervals: eld.length,
    engine,
  };
}

function goalsOf(m: ModelResponsiveness, model: BenchModel): Goal[] {
  const p = m.readyProbeMs;
  return [
    {
      id: `ready_probe_p99.${model.key}`,
      section: '5. Responsiveness',
      title: '/health/ready p99 at full speed',
      model: model.label,
      value: p.p99,
      unit: 'ms',
      goal: '< 50 ms',
      met: p.count > 0 && m.probeErrors === 0 && p.p99 < 50,
      absolute: `p50 ${p.p50} / p95 ${p.p95} / max ${p.max} ms over ${p.count} probes (${m.probeErrors} errors) at ${m.run.fps} fps`,
    },
    {
      id: `event_loop_max_service.${model.key}`,
      section: '5. Responsiveness',
      title: 'event-loop max delay, service at full speed',
      model: model.label,
      value: m.serviceEventLoopMaxMs,
      unit: 'ms',
      goal: '< 20 ms',
      met: m.eventLoopIntervals > 0 && m.serviceEventLoopMaxMs < 20,
      absolute: `event_loop health check (adeline_event_loop_delay_max_seconds): maximum of ${m.eventLoopIntervals} 1-s intervals`,
    },
    {
      id: `event_loop_max_engine.${model.key}`,
      section: '5. Responsiveness',
      title: 'event-loop max delay, engine alone (monitorEventLoopDelay)',
      model: model.label,
      value: m.engine.eventLoopDelayMs.max,
      unit: 'ms',
      goal: '< 20 ms',
      met: atMost(m.engine.eventLoopDelayMs.max, 19.999),
      absolute: `p99 ${m.engine.eventLoopDelayMs.p99} ms at ${m.engine.fps} fps (${m.engine.frames} frames)`,
    },
  ];
}

export async function responsiveness(ctx: BenchContext): Promise<ScenarioResult> {
  const goals: Goal[] = [];
  const data: ModelResponsiveness[] = [];
  for (const model of ctx.models) {
    const m = await measureModel(ctx, model);
    data.push(m);
    goals.push(...goalsOf(m, model));
  }
  return { goals, data };
}

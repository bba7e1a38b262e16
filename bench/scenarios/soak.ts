/**
 * Benchmark 6: soak. 20,000 frames through the full service at full speed with full telemetry,
 * in a small-input configuration so that they fit the time budget: the YOLOv8n-sized graph at a
 * 64-pixel input and 320×240 synthetic frames (memory growth per frame comes from the pipeline,
 * telemetry and MQTT, which are the same at any input size). Twice a second the bench reads RSS
 * from /proc and scrapes /metrics for the frame count and the V8 heap. Growth compares the
 * samples around frame 5,000 (5,000–6,500) with those at the end (18,500–20,000): RSS by median,
 * heap by minimum (the floor after garbage collection, which the sawtooth of young-generation
 * collections does not hide).
 */
import { every, nowMs, sleep } from '../lib/clock.js';
import { pick, type BenchContext } from '../lib/context.js';
import { atMost, type Goal, type ScenarioResult } from '../lib/results.js';
import { ServiceProcess } from '../lib/service.js';
import { median, min, round } from '../lib/stats.js';
import { INTRA_OP_THREADS } from './throughput.js';

const MiB = 2 ** 20;

interface Sample {
  frames: number;
  rssMiB: number;
  heapMiB: number;
  oldSpaceMiB: number;
  eventLoopMaxMs: number;
}

interface SoakData {
  frames: number;
  durationS: number;
  fps: number;
  samples: Sample[];
  rssStartMiB: number;
  rssEndMiB: number;
  /** Median RSS around frame 15,000 (70–77.5 % of the run). */
  rssThreeQuartersMiB: number;
  heapStartMiB: number;
  heapEndMiB: number;
}

export async function soak(ctx: BenchContext): Promise<ScenarioResult> {
  const frames = pick(ctx, 20_000, 2_000);
  const startWindow: [number, number] = [frames * 0.25, frames * 0.325];
  const endWindow: [number, number] = [frames * 0.925, frames];
  ctx.log(`  ${frames} frames, ${ctx.soakModel.input} input, 320x240 frames`);
  const svc = new ServiceProcess({
    model: ctx.soakModel.path,
    telemetry: 'live',
    otlpEndpoint: ctx.sink.endpoint,
    brokerUrl: ctx.brokerUrl,
    frames,
    set: {
      'synthetic.width': 320,
      'synthetic.height': 240,
      'models.intra_op_threads': INTRA_OP_THREADS,
    },
  });
  const samples: Sample[] = [];
  const t0 = nowMs();
  try {
    await svc.started();
    const stop = every(500, async () => {
      const s = await svc.metrics().catch(() => null);
      if (!s) return;
      const rss = (() => {
        try {
          return svc.rssBytes();
        } catch {
          return 0; // exited meanwhile
        }
      })();
      samples.push({
        frames: s.sum('adeline_frames_processed_total'),
        rssMiB: round(rss / MiB, 1),
        heapMiB: round(s.sum('v8js_memory_heap_used') / MiB, 1),
        oldSpaceMiB: round(
          s.sum('v8js_memory_heap_used', { v8js_heap_space_name: 'old_space' }) / MiB,
          1,
        ),
        eventLoopMaxMs: round(s.sum('adeline_event_loop_delay_max_seconds') * 1000, 1),
      });
    });
    const limitMs = pick(ctx, 420_000, 120_000);
    while (svc.child.exitCode === null && nowMs() - t0 < limitMs) await sleep(200);
    await stop();
    if (svc.child.exitCode === null)
      throw svc.failure(`did not finish ${frames} frames within ${limitMs / 1000} s`);
  } finally {
    await svc.stop();
  }
  const durationS = (nowMs() - t0) / 1000;
  const inWindow = ([a, b]: [number, number]) =>
    samples.filter((s) => s.frames >= a && s.frames <= b && s.rssMiB > 0);
  const first = inWindow(startWindow);
  // Context for a miss: the heap floor before the first full collection, and the RSS trend over
  // the last quarter of the run (a leak keeps rising; a heap that has grown to size stays flat).
  const q3 = inWindow([frames * 0.7, frames * 0.775]);
  const last = inWindow(endWindow);
  const data: SoakData = {
    frames,
    durationS: round(durationS, 1),
    fps: round(frames / durationS, 1),
    samples,
    rssStartMiB: round(median(first.map((s) => s.rssMiB)), 1),
    rssEndMiB: round(median(last.map((s) => s.rssMiB)), 1),
    rssThreeQuartersMiB: round(median(q3.map((s) => s.rssMiB)), 1),
    heapStartMiB: round(min(first.map((s) => s.heapMiB)), 1),
    heapEndMiB: round(min(last.map((s) => s.heapMiB)), 1),
  };
  const enough = first.length > 0 && last.length > 0;
  const rssGrowth = enough ? data.rssEndMiB / data.rssStartMiB - 1 : NaN;
  const heapGrowth = enough ? data.heapEndMiB / data.heapStartMiB - 1 : NaN;
  const where = `frames ${startWindow[0]}–${startWindow[1]} (${first.length} samples) vs ${endWindow[0]}–${endWindow[1]} (${last.length} samples)`;
  const goals: Goal[] = [
    {
      id: 'soak.rss',
      section: '6. Soak',
      title: `RSS growth over ${frames} frames`,
      model: ctx.soakModel.label,
      value: enough ? round(rssGrowth * 100, 2) : null,
      unit: '%',
      goal: '< 5 %',
      met: enough ? atMost(rssGrowth, 0.04999) : null,
      absolute: `RSS ${data.rssStartMiB} → ${data.rssEndMiB} MiB (median), ${where}; around frame ${frames * 0.75}: ${data.rssThreeQuartersMiB} MiB; ${data.fps} fps, ${data.durationS} s`,
    },
    {
      id: 'soak.heap',
      section: '6. Soak',
      title: `V8 heap growth over ${frames} frames`,
      model: ctx.soakModel.label,
      value: enough ? round(heapGrowth * 100, 2) : null,
      unit: '%',
      goal: '< 5 %',
      met: enough ? atMost(heapGrowth, 0.04999) : null,
      absolute: `heap used ${data.heapStartMiB} → ${data.heapEndMiB} MiB (minimum), ${where}`,
    },
  ];
  const warnings = enough
    ? []
    : [`soak: too few memory samples in the comparison windows (${where})`];
  return { goals, data, warnings };
}

/**
 * Issue 12, part 5: does the service keep up with ONNX Runtime on real video?
 * For each real video × real model of ../shared/realworld/ (street.mp4 1280×720 and people.mp4
 * 640×360; yolov8n int8 at 640 and yolo11n int8 at 320):
 * - decode_fps: ffmpeg alone decoding the file to raw RGB24 (bench/lib/decode.ts);
 * - ort_fps: the bare onnxruntime-node loop on the model (bench/children/bare-ort.ts), with the
 *   service's intra-op threads (cores − 1, its default) — the limit — and with all the cores
 *   (reported: on two cores that thread fights ffmpeg and the main thread for a core);
 * - the limit 1 / (1/decode_fps + 1/ort_fps): decoding and inferring each frame one after the
 *   other, nothing else;
 * - the service (`bin/adeline run`, telemetry on to the live sink, --max-fps 0, the file looped)
 *   measured by the MQTT consumer, with CPU per frame by thread (and ffmpeg's), the main
 *   thread's per-stage time from /metrics, the event_loop check's maximum delay and
 *   /health/ready probed every 20 ms;
 * - the detections of the first frames against the baseline captured from the code before the
 *   pipeline changes (bench/baselines/realvideo-detections.json): same count, boxes IoU ≥ 0.99.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/processes.js';
import { bareOrt, type BareResult } from '../lib/bare.js';
import { every } from '../lib/clock.js';
import { pick, type BenchContext } from '../lib/context.js';
import { decodeFps, type DecodeResult } from '../lib/decode.js';
import {
  captureDetections,
  compareDetections,
  type DetectionComparison,
} from '../lib/detections.js';
import { measureRun, type RunMeasurement } from '../lib/measure.js';
import { childCpuSeconds } from '../lib/proc.js';
import { startProbing, type ProbeSamples } from '../lib/probe.js';
import type { Scrape } from '../lib/prom.js';
import { availableCases, BASELINE_FRAMES, BASELINE_PATH, type RealCase } from '../lib/realworld.js';
import type { Goal, ScenarioResult } from '../lib/results.js';
import { distribution, max, round, type Distribution } from '../lib/stats.js';
import { eventLoopCheck } from './responsiveness.js';
import { INTRA_OP_THREADS } from './throughput.js';
import { REPO_ROOT } from '../../test/helpers/processes.js';
import { cpus } from 'node:os';

const MAIN_STAGES = ['roi', 'preprocess', 'postprocess', 'stabilize', 'publish'] as const;

interface CaseResult {
  key: string;
  decode: DecodeResult;
  bare: BareResult;
  bareAllCores: BareResult;
  /** ort_fps before and after the service run (bare is their mean). */
  bareRunsFps: number[];
  limitFps: number;
  run: RunMeasurement;
  ffmpegCpuMsPerFrame: number;
  /** Stage time per frame from adeline_stage_duration_seconds, ms (wall time, where it runs). */
  mainStagesMs: Record<string, number>;
  readyProbeMs: Distribution;
  probeErrors: number;
  eventLoopMaxMs: number;
  eventLoopIntervals: number;
  detections: DetectionComparison | null;
  /** The same service with pipeline.worker_stages=false: the main thread preprocesses and decodes. */
  mainStages: ServiceFigures;
}

type ServiceFigures = Awaited<ReturnType<typeof serviceRun>>;

const limit = (decode: number, ort: number): number =>
  decode > 0 && ort > 0 ? 1 / (1 / decode + 1 / ort) : 0;

function stageMsPerFrame(a: Scrape | null, b: Scrape | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!a || !b) return out;
  const name = 'adeline_stage_duration_seconds';
  for (const stage of MAIN_STAGES) {
    const n = b.sum(`${name}_count`, { stage }) - a.sum(`${name}_count`, { stage });
    const s = b.sum(`${name}_sum`, { stage }) - a.sum(`${name}_sum`, { stage });
    if (n > 0) out[stage] = round((s * 1000) / n, 3);
  }
  return out;
}

function loopConfig(video: string): string {
  const path = join(tempDir('adeline-bench-realvideo-'), 'config.yaml');
  writeFileSync(
    path,
    `pipeline:\n  sources:\n    - url: ${JSON.stringify(video)}\n      loop: true\n`,
  );
  return path;
}

async function serviceRun(ctx: BenchContext, c: RealCase, workerStages: boolean) {
  let probes: ProbeSamples = { ms: [], statuses: {}, errors: 0 };
  const eld: number[] = [];
  let lastCheckedAt = 0;
  let scrapeA: Scrape | null = null;
  let scrapeB: Scrape | null = null;
  const ffmpeg = new Map<number, { first: number; last: number }>();
  const run = await measureRun(
    ctx,
    {
      model: c.model,
      telemetry: 'live',
      otlpEndpoint: ctx.sink.endpoint,
      brokerUrl: ctx.brokerUrl,
      configFile: loopConfig(c.video),
      set: {
        'models.intra_op_threads': INTRA_OP_THREADS,
        'pipeline.worker_stages': workerStages,
      },
    },
    {
      warmupS: pick(ctx, 2, 1),
      windowS: pick(ctx, 8, 3),
      during: (svc) => {
        const sampleFfmpeg = () => {
          for (const [pid, s] of childCpuSeconds(svc.pid)) {
            const e = ffmpeg.get(pid);
            if (e) e.last = s;
            else ffmpeg.set(pid, { first: ffmpeg.size === 0 ? s : 0, last: s });
          }
        };
        const scraped = svc.metrics().then(
          (s) => (scrapeA = s),
          () => null,
        );
        sampleFfmpeg();
        const stopFfmpeg = every(200, sampleFfmpeg);
        const stopProbe = startProbing(svc.healthPort, '/health/ready', 20);
        // The interval that holds the first /metrics scrape is left out (see responsiveness.ts).
        const firstFull = Date.now() / 1000 + 1.05;
        const stopChecks = every(500, async () => {
          const r = await eventLoopCheck(svc.healthPort);
          if (r && r.checkedAt !== lastCheckedAt && r.checkedAt >= firstFull) {
            lastCheckedAt = r.checkedAt;
            eld.push(r.maxMs);
          }
        });
        return async () => {
          probes = await stopProbe();
          await stopChecks();
          await stopFfmpeg();
          await scraped;
          scrapeB = await svc.metrics().catch(() => null);
        };
      },
    },
  );
  const ffmpegS = [...ffmpeg.values()].reduce((a, e) => a + (e.last - e.first), 0);
  return {
    run,
    ffmpegCpuMsPerFrame:
      run.framesInWindow > 0 ? round((ffmpegS * 1000) / run.framesInWindow, 2) : 0,
    mainStagesMs: stageMsPerFrame(scrapeA, scrapeB),
    readyProbeMs: distribution(probes.ms),
    probeErrors: probes.errors,
    eventLoopMaxMs: round(max(eld), 2),
    eventLoopIntervals: eld.length,
  };
}

function loadBaseline(): Record<string, Record<string, [number, number, number[]][]>> | null {
  try {
    const b = JSON.parse(readFileSync(join(REPO_ROOT, BASELINE_PATH), 'utf8')) as {
      cases: Record<string, Record<string, [number, number, number[]][]>>;
    };
    return b.cases;
  } catch {
    return null;
  }
}

async function measureCase(
  ctx: BenchContext,
  c: RealCase,
  decodes: Map<string, DecodeResult>,
): Promise<CaseResult> {
  let decode = decodes.get(c.video);
  if (!decode) {
    ctx.log(`  ffmpeg alone decoding ${c.video} to rgb24`);
    decode = await decodeFps(c.video, pick(ctx, 3, 1));
    decodes.set(c.video, decode);
  }
  const cores = cpus().length;
  ctx.log(`  bare onnxruntime-node loop, ${c.key}, ${INTRA_OP_THREADS} and ${cores} threads`);
  const bareRun = (threads: number) => bareOrt(c.model, threads, pick(ctx, 2, 1), pick(ctx, 5, 2));
  const before = await bareRun(INTRA_OP_THREADS);
  const bareAllCores = await bareRun(cores);
  ctx.log(`  service, ${c.key}, file looped, --max-fps 0, probing /health/ready every 20 ms`);
  const s = await serviceRun(ctx, c, true);
  ctx.log(
    `  service again with pipeline.worker_stages=false (preprocess and decode on the main thread)`,
  );
  const mainStages = await serviceRun(ctx, c, false);
  // The bare loop again after the service: their mean is ort_fps, so that drift of a shared
  // machine between the two measurements cancels out.
  ctx.log(`  bare onnxruntime-node loop again, ${c.key}, ${INTRA_OP_THREADS} thread(s)`);
  const after = await bareRun(INTRA_OP_THREADS);
  const bare: BareResult = {
    ...before,
    fps: (before.fps + after.fps) / 2,
    cores: (before.cores + after.cores) / 2,
  };
  const bareRunsFps = [before.fps, after.fps].map((f) => round(f, 1));
  const baseline = loadBaseline()?.[c.key];
  let detections: DetectionComparison | null = null;
  if (baseline) {
    ctx.log(`  detections of the first ${BASELINE_FRAMES} frames vs ${BASELINE_PATH}`);
    const got = await captureDetections(
      {
        model: c.model,
        sources: [c.video],
        telemetry: 'off',
        otlpEndpoint: ctx.deadEndpoint,
        brokerUrl: ctx.brokerUrl,
      },
      BASELINE_FRAMES,
    );
    detections = compareDetections(baseline, got);
  }
  return {
    key: c.key,
    decode,
    bare,
    bareAllCores,
    bareRunsFps,
    limitFps: round(limit(decode.fps, bare.fps), 2),
    ...s,
    mainStages,
    detections,
  };
}

function goalsOf(r: CaseResult): Goal[] {
  const ratio = r.limitFps > 0 ? r.run.fps / r.limitFps : 0;
  const t = r.run.cpuMsPerFrameByThread;
  const main = t.MainThread ?? 0;
  const ms = r.mainStagesMs;
  const mainSum = (ms.roi ?? 0) + (ms.stabilize ?? 0) + (ms.publish ?? 0);
  const stages = Object.entries(r.mainStagesMs)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const allCoresLimit = limit(r.decode.fps, r.bareAllCores.fps);
  const p = r.readyProbeMs;
  const d = r.detections;
  const section = '8. Real video';
  const model = r.key;
  return [
    {
      id: `realvideo_efficiency.${r.key}`,
      section,
      title: 'pipeline fps ÷ limit 1/(1/decode_fps + 1/ort_fps)',
      model,
      value: round(ratio, 3),
      unit: 'ratio',
      goal: '>= 0.9',
      met: ratio >= 0.9,
      absolute: `${r.run.fps} fps pipeline / ${r.limitFps} fps limit; decode_fps ${r.decode.fps} (ffmpeg alone, runs ${r.decode.runsFps.join(', ')}; ${r.decode.cpuMsPerFrame} ms CPU/frame), ort_fps ${round(r.bare.fps, 1)} at ${r.bare.threads} intra-op thread(s) like the service (before/after ${r.bareRunsFps.join(', ')}) (${round(r.bareAllCores.fps, 1)} at ${r.bareAllCores.threads}: limit ${round(allCoresLimit, 1)})`,
    },
    {
      id: `realvideo_cpu.${r.key}`,
      section,
      title: 'CPU per frame by thread, ms, and stage time per frame',
      model,
      value: round(main, 2),
      unit: 'ms main thread',
      goal: '(reported)',
      met: null,
      absolute: `total ${r.run.cpuMsPerFrame} ms: main thread ${main} (its stages roi, stabilize, publish ${round(mainSum, 2)}; the other ${round(Math.max(0, main - mainSum), 2)} ms: reading ffmpeg's pipe, the frame copy, MQTT, telemetry, GC; stage times ${stages || 'none'}, preprocess and postprocess in the worker), inference worker and ONNX Runtime pool ${t.WorkerThread ?? 0}, V8 helpers ${t.V8Worker ?? 0}, libuv ${t['libuv-worker'] ?? 0}; ffmpeg ${r.ffmpegCpuMsPerFrame}; bare loop ${round((r.bare.cores * 1000) / r.bare.fps, 2)}`,
    },
    {
      id: `realvideo_event_loop_max.${r.key}`,
      section,
      title: 'event-loop max delay while it runs',
      model,
      value: r.eventLoopMaxMs,
      unit: 'ms',
      goal: '< 20 ms',
      met: r.eventLoopIntervals > 0 && r.eventLoopMaxMs < 20,
      absolute: `event_loop health check: maximum of ${r.eventLoopIntervals} 1-s intervals`,
    },
    {
      id: `realvideo_ready_p99.${r.key}`,
      section,
      title: '/health/ready p99 while it runs',
      model,
      value: p.p99,
      unit: 'ms',
      goal: '< 50 ms',
      met: p.count > 0 && r.probeErrors === 0 && p.p99 < 50,
      absolute: `p50 ${p.p50} / p95 ${p.p95} / max ${p.max} ms over ${p.count} probes (${r.probeErrors} errors)`,
    },
    {
      id: `realvideo_main_thread_stages.${r.key}`,
      section,
      title: 'the same with pipeline.worker_stages=false (preprocess, decode on the main thread)',
      model,
      value: round(r.limitFps > 0 ? r.mainStages.run.fps / r.limitFps : 0, 3),
      unit: 'ratio',
      goal: '(reported)',
      met: null,
      absolute: `${r.mainStages.run.fps} fps vs ${r.run.fps} with worker stages; main thread ${r.mainStages.run.cpuMsPerFrameByThread.MainThread ?? 0} ms/frame vs ${main}, worker ${r.mainStages.run.cpuMsPerFrameByThread.WorkerThread ?? 0} vs ${t.WorkerThread ?? 0}; event-loop max ${r.mainStages.eventLoopMaxMs} ms vs ${r.eventLoopMaxMs}; /health/ready p99 ${r.mainStages.readyProbeMs.p99} ms vs ${p.p99}`,
    },
    {
      id: `realvideo_detections.${r.key}`,
      section,
      title: `detections of the first ${BASELINE_FRAMES} frames vs the baseline (count, IoU ≥ 0.99)`,
      model,
      value: d ? d.countMismatches + d.unmatchedBoxes : null,
      unit: 'mismatches',
      goal: '0',
      met: d ? d.same : null,
      absolute: d
        ? `${d.frames} frames, ${d.boxes} boxes: ${d.countMismatches} frames with another count, ${d.unmatchedBoxes} boxes unmatched; lowest matched IoU ${d.minMatchedIou}${d.examples.length ? `; ${d.examples.join('; ')}` : ''}`
        : `no baseline in ${BASELINE_PATH}`,
    },
  ];
}

export async function realvideo(ctx: BenchContext): Promise<ScenarioResult> {
  const cases = availableCases();
  const warnings: string[] = [];
  if (cases.length === 0) {
    return { goals: [], data: [], warnings: ['realvideo: ../shared/realworld/ is missing'] };
  }
  const decodes = new Map<string, DecodeResult>();
  const goals: Goal[] = [];
  const data: CaseResult[] = [];
  for (const c of cases) {
    const r = await measureCase(ctx, c, decodes);
    data.push(r);
    goals.push(...goalsOf(r));
  }
  return { goals, data, warnings };
}

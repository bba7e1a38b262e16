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
 *   measured by the MQTT consumer, with its default pipeline.worker_stages (auto), with CPU
 *   per frame by thread (and ffmpeg's), the main thread's per-stage time from /metrics, the
 *   event_loop check's maximum delay and /health/ready probed every 20 ms;
 * - the same with preprocessing and decode+NMS on the other thread (worker_stages forced);
 * - the detections of the first frames against the baseline captured from the code before the
 *   pipeline changes (bench/baselines/realvideo-detections.<kernel class>.json), and against the other
 *   placement in the same run: same count, boxes IoU ≥ 0.99 (bench/lib/detection-check.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/processes.js';
import { bareOrt, type BareResult } from '../lib/bare.js';
import { every } from '../lib/clock.js';
import { pick, type BenchContext } from '../lib/context.js';
import { decodeFps, type DecodeResult } from '../lib/decode.js';
import { checkDetections } from '../lib/detection-check.js';
import { measureRun } from '../lib/measure.js';
import { descendantCpuSeconds } from '../lib/proc.js';
import { startProbing, type ProbeSamples } from '../lib/probe.js';
import type { Scrape } from '../lib/prom.js';
import { availableCases, type RealCase } from '../lib/realworld.js';
import type { Goal, ScenarioResult } from '../lib/results.js';
import { distribution, max, round } from '../lib/stats.js';
import { eventLoopCheck } from './responsiveness.js';
import { goalsOf, limit, type CaseResult, type ServiceFigures } from '../lib/realvideo-goals.js';
import { INTRA_OP_THREADS } from './throughput.js';
import { cpus } from 'node:os';
import { resolveWorkerStages } from '../../src/app/detector-port.js';

const MAIN_STAGES = ['roi', 'preprocess', 'postprocess', 'stabilize', 'publish'] as const;

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

/** One measured service run of a case (exported for bench/dev/realvideo-ab.ts). */
export async function serviceRun(
  ctx: BenchContext,
  c: RealCase,
  workerStages: boolean | 'auto',
  extra: Record<string, string | number | boolean> = {},
  cpuProfDir?: string,
  env?: Record<string, string>,
): Promise<ServiceFigures> {
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
        ...extra,
      },
      ...(cpuProfDir ? { cpuProfDir } : {}),
      ...(env ? { env } : {}),
    },
    {
      warmupS: pick(ctx, 2, 1),
      windowS: pick(ctx, 8, 3),
      during: (svc) => {
        // ffmpeg's CPU from the first sample on: what a process had used by then is left out,
        // and one started later (the next pass of the looped file) counts from 0.
        let firstSample = true;
        const sampleFfmpeg = () => {
          for (const [pid, s] of descendantCpuSeconds(svc.pid, 'ffmpeg')) {
            const e = ffmpeg.get(pid);
            if (e) e.last = s;
            else ffmpeg.set(pid, { first: firstSample ? s : 0, last: s });
          }
          firstSample = false;
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
  const s = await serviceRun(ctx, c, 'auto');
  const { inWorker } = resolveWorkerStages('auto', { width: c.inputSize, height: c.inputSize });
  ctx.log(
    `  service again with pipeline.worker_stages=${String(!inWorker)} (the other placement of preprocess and decode)`,
  );
  const otherPlacement = await serviceRun(ctx, c, !inWorker);
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
  const detections = await checkDetections(ctx, c, inWorker);
  return {
    key: c.key,
    decode,
    bare,
    bareAllCores,
    bareRunsFps,
    limitFps: round(limit(decode.fps, bare.fps), 2),
    ...s,
    stagesInWorker: inWorker,
    otherPlacement,
    detections,
  };
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

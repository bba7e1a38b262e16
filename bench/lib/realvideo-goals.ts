/** The rows the realvideo scenario reports (bench/scenarios/realvideo.ts), and its figures' shape. */
import type { BareResult } from './bare.js';
import type { DecodeResult } from './decode.js';
import type { DetectionCheck } from './detection-check.js';
import type { DetectionComparison } from './detections.js';
import type { RunMeasurement } from './measure.js';
import { BASELINE_FRAMES } from './realworld.js';
import type { Goal } from './results.js';
import { round, type Distribution } from './stats.js';

export interface CaseResult extends ServiceFigures {
  key: string;
  decode: DecodeResult;
  bare: BareResult;
  bareAllCores: BareResult;
  /** ort_fps before and after the service run (bare is their mean). */
  bareRunsFps: number[];
  limitFps: number;
  detections: DetectionCheck;
  /** Where the default (pipeline.worker_stages: auto) put preprocessing and decode+NMS. */
  stagesInWorker: boolean;
  /** The same service with the stages on the other thread (pipeline.worker_stages forced). */
  otherPlacement: ServiceFigures;
}

/** One service run of a case and what was measured while it ran. */
export interface ServiceFigures {
  run: RunMeasurement;
  ffmpegCpuMsPerFrame: number;
  /** Stage time per frame from adeline_stage_duration_seconds, ms (wall time, where it runs). */
  mainStagesMs: Record<string, number>;
  readyProbeMs: Distribution;
  probeErrors: number;
  eventLoopMaxMs: number;
  eventLoopIntervals: number;
}

export const limit = (decode: number, ort: number): number =>
  decode > 0 && ort > 0 ? 1 / (1 / decode + 1 / ort) : 0;

export function goalsOf(r: CaseResult): Goal[] {
  const ratio = r.limitFps > 0 ? r.run.fps / r.limitFps : 0;
  const t = r.run.cpuMsPerFrameByThread;
  const main = t.MainThread ?? 0;
  const ms = r.mainStagesMs;
  const onMain = [
    'roi',
    'stabilize',
    'publish',
    ...(r.stagesInWorker ? [] : ['preprocess', 'postprocess']),
  ];
  const mainSum = onMain.reduce((a, k) => a + (ms[k] ?? 0), 0);
  const where = (inWorker: boolean) => (inWorker ? 'in the worker' : 'on the main thread');
  const o = r.otherPlacement;
  const stages = Object.entries(r.mainStagesMs)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const allCoresLimit = limit(r.decode.fps, r.bareAllCores.fps);
  const p = r.readyProbeMs;
  const d = r.detections;
  const vb = d.vsBaseline;
  const section = '11. Real video';
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
      absolute: `total ${r.run.cpuMsPerFrame} ms: main thread ${main} (its stages ${onMain.join(', ')} ${round(mainSum, 2)}; the other ${round(Math.max(0, main - mainSum), 2)} ms: reading ffmpeg's output, the frame copy, MQTT, telemetry, GC; stage times ${stages || 'none'}, preprocess and postprocess ${where(r.stagesInWorker)} (pipeline.worker_stages auto)), inference worker and ONNX Runtime pool ${t.WorkerThread ?? 0}, V8 helpers ${t.V8Worker ?? 0}, libuv ${t['libuv-worker'] ?? 0}; ffmpeg ${r.ffmpegCpuMsPerFrame}; bare loop ${round((r.bare.cores * 1000) / r.bare.fps, 2)}`,
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
      id: `realvideo_other_placement.${r.key}`,
      section,
      title: `the same with preprocess and decode ${where(!r.stagesInWorker)} (pipeline.worker_stages=${String(!r.stagesInWorker)})`,
      model,
      value: round(r.limitFps > 0 ? o.run.fps / r.limitFps : 0, 3),
      unit: 'ratio',
      goal: '(reported)',
      met: null,
      absolute: `${o.run.fps} fps vs ${r.run.fps} with the default (${where(r.stagesInWorker)}); main thread ${o.run.cpuMsPerFrameByThread.MainThread ?? 0} ms/frame vs ${main}, worker ${o.run.cpuMsPerFrameByThread.WorkerThread ?? 0} vs ${t.WorkerThread ?? 0}; event-loop max ${o.eventLoopMaxMs} ms vs ${r.eventLoopMaxMs}; /health/ready p99 ${o.readyProbeMs.p99} ms vs ${p.p99}`,
    },
    {
      id: `realvideo_detections.${r.key}`,
      section,
      title: `detections of the first ${BASELINE_FRAMES} frames vs the baseline from the code before the change (count, IoU ≥ 0.99)`,
      model,
      value: vb ? mismatches(vb) : null,
      unit: 'mismatches',
      goal: d.baselineCaveat ? '(reported)' : '0',
      met: vb && !d.baselineCaveat ? vb.same : null,
      absolute: vb
        ? `${compared(vb)} (${d.baselinePath})${d.baselineCaveat ? `; not held to the bar: ${d.baselineCaveat}` : ''}${d.baselineNote ? `; ${d.baselineNote}` : ''}`
        : `no baseline for ${r.key} in ${d.baselinePath}`,
    },
    {
      id: `realvideo_detections_placement.${r.key}`,
      section,
      title: `the same frames with preprocess and decode ${where(!r.stagesInWorker)} (same run, count, IoU ≥ 0.99)`,
      model,
      value: mismatches(d.vsOtherPlacement),
      unit: 'mismatches',
      goal: '0',
      met: d.vsOtherPlacement.same,
      absolute: compared(d.vsOtherPlacement),
    },
  ];
}

const mismatches = (c: DetectionComparison): number => c.countMismatches + c.unmatchedBoxes;

function compared(c: DetectionComparison): string {
  const ex = c.examples.length ? `; ${c.examples.join('; ')}` : '';
  return `${c.frames} frames, ${c.boxes} boxes: ${c.countMismatches} frames with another count, ${c.unmatchedBoxes} boxes unmatched; lowest matched IoU ${c.minMatchedIou}${ex}`;
}

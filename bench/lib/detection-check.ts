/**
 * Issue 12, part 5's third bar: the same detections (count, boxes within IoU 0.99) as before the
 * change, on the same frames. Two comparisons of the first BASELINE_FRAMES frames:
 * - the default placement against the stored baseline, captured from the code before the change
 *   (bench/baselines/realvideo-detections.<kernel class>.json). ONNX Runtime's kernels differ by
 *   instruction set (AVX2 against AVX-512/VNNI sum in another order), so the run is held to the
 *   file captured with this machine's kernel class and ONNX Runtime (other flags within the class,
 *   such as avx_vnni beside avx512_vnni, are noted); without one, the comparison with another
 *   file is reported and not held to the bar;
 * - the default placement against the other one (`pipeline.worker_stages` forced), in the same
 *   run on the same machine: the old split is still the code path of `worker_stages: false`, so
 *   this comparison holds on any machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/processes.js';
import {
  captureDetections,
  compareDetections,
  type DetectionComparison,
  type FrameDetections,
} from './detections.js';
import { BASELINE_DIR, isBaselineFile, kernelClass } from './baseline-file.js';
import { instructionSets, machineInfo } from './machine.js';
import { BASELINE_FRAMES, type RealCase } from './realworld.js';

export interface DetectionCheck {
  /** The default placement against the stored baseline; null without a baseline for the case. */
  vsBaseline: DetectionComparison | null;
  /** Why the stored baseline is not held to the bar on this machine; null when it is. */
  baselineCaveat: string | null;
  /** Instruction sets that differ within the same kernel class (held to the bar all the same). */
  baselineNote: string | null;
  /** The baseline file compared with (repository-relative), or where none was found. */
  baselinePath: string;
  /** The default placement against the other placement, same run, same machine. */
  vsOtherPlacement: DetectionComparison;
}

interface BaselineMachine {
  cpuModel?: string;
  instructionSets?: string[];
  onnxruntime?: string;
}

export interface BaselineFile {
  commit?: string;
  machine?: BaselineMachine;
  cases: Record<string, FrameDetections>;
}

export function loadBaseline(path: string): BaselineFile | null {
  try {
    const b = JSON.parse(readFileSync(path, 'utf8')) as BaselineFile;
    return b && typeof b.cases === 'object' && b.cases !== null ? b : null;
  } catch {
    return null;
  }
}

export interface Kernels {
  instructionSets: string[];
  onnxruntime: string;
}

const thisMachine = (): Kernels => ({
  instructionSets: instructionSets(),
  onnxruntime: machineInfo().onnxruntime,
});

/**
 * Null when the baseline was captured with this machine's kernels: the same kernel class (what
 * MLAS dispatches to) and ONNX Runtime version; else what differs.
 */
export function baselineCaveat(
  m: BaselineMachine | undefined,
  here: Kernels = thisMachine(),
): string | null {
  if (!m?.instructionSets)
    return 'the baseline does not record the CPU it was captured on; re-capture it (bench/dev/capture-baseline.ts)';
  const theirs = m.instructionSets.join(' ');
  const ours = here.instructionSets.join(' ');
  const diffs: string[] = [];
  if (kernelClass(m.instructionSets) !== kernelClass(here.instructionSets))
    diffs.push(`kernel instruction sets ${theirs || 'none'} there, ${ours || 'none'} here`);
  if (m.onnxruntime !== here.onnxruntime)
    diffs.push(`onnxruntime-node ${m.onnxruntime ?? '?'} there, ${here.onnxruntime} here`);
  return diffs.length === 0
    ? null
    : `baseline captured on another CPU (${m.cpuModel ?? 'unknown'}): ${diffs.join('; ')}`;
}

/**
 * Instruction sets that differ between two CPUs of the same kernel class (e.g. `avx_vnni` beside
 * `avx512_vnni`, which MLAS does not use once it has the AVX-512 kernels); null when none do or
 * the classes differ (baselineCaveat says so then).
 */
export function baselineNote(
  m: BaselineMachine | undefined,
  here: Kernels = thisMachine(),
): string | null {
  if (!m?.instructionSets || kernelClass(m.instructionSets) !== kernelClass(here.instructionSets))
    return null;
  const only = (a: readonly string[], b: readonly string[]) => a.filter((f) => !b.includes(f));
  const there = only(m.instructionSets, here.instructionSets);
  const ours = only(here.instructionSets, m.instructionSets);
  if (there.length === 0 && ours.length === 0) return null;
  const parts = [
    ...(ours.length ? [`${ours.join(' ')} here only`] : []),
    ...(there.length ? [`${there.join(' ')} there only`] : []),
  ];
  return `same kernel class (${kernelClass(here.instructionSets)}) as the baseline's CPU; other instruction sets: ${parts.join(', ')}`;
}

export interface ChosenBaseline {
  path: string;
  file: BaselineFile;
  caveat: string | null;
  /** baselineNote: flags that differ within the kernel class; null when none do. */
  note: string | null;
}

/**
 * The baseline files under `dir` (realvideo-detections.*.json), the one captured with these kernels
 * first; null when there is none. Unreadable files are passed over.
 */
export function chooseBaseline(
  dir = join(REPO_ROOT, BASELINE_DIR),
  here: Kernels = thisMachine(),
): ChosenBaseline | null {
  let names: string[];
  try {
    names = readdirSync(dir).filter(isBaselineFile).sort();
  } catch {
    return null;
  }
  const found = names.flatMap((n) => {
    const file = loadBaseline(join(dir, n));
    return file
      ? [
          {
            path: join(BASELINE_DIR, n),
            file,
            caveat: baselineCaveat(file.machine, here),
            note: baselineNote(file.machine, here),
          },
        ]
      : [];
  });
  return found.find((b) => b.caveat === null) ?? found[0] ?? null;
}

export interface CaptureTarget {
  brokerUrl: string;
  deadEndpoint: string;
  log: (line: string) => void;
}

/** Captures both placements' detections of the first frames and compares them. */
export async function checkDetections(
  t: CaptureTarget,
  c: RealCase,
  defaultInWorker: boolean,
): Promise<DetectionCheck> {
  const capture = (workerStages: 'auto' | boolean) =>
    captureDetections(
      {
        model: c.model,
        sources: [c.video],
        telemetry: 'off',
        otlpEndpoint: t.deadEndpoint,
        brokerUrl: t.brokerUrl,
        set: { 'pipeline.worker_stages': workerStages },
      },
      BASELINE_FRAMES,
    );
  t.log(`  detections of the first ${BASELINE_FRAMES} frames, default and other placement`);
  const got = await capture('auto');
  const other = await capture(!defaultInWorker);
  const chosen = chooseBaseline();
  const baseline = chosen?.file.cases[c.key];
  return {
    vsBaseline: baseline ? compareDetections(baseline, got) : null,
    baselineCaveat: baseline ? (chosen?.caveat ?? null) : null,
    baselineNote: baseline ? (chosen?.note ?? null) : null,
    baselinePath: chosen?.path ?? join(BASELINE_DIR, 'realvideo-detections.*.json'),
    vsOtherPlacement: compareDetections(other, got),
  };
}

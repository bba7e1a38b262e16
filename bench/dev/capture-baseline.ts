/**
 * Captures the detections of the first frames of each real video with each real model
 * (../shared/realworld/) into bench/baselines/realvideo-detections.<kernel class>.json, with
 * pipeline.worker_stages=false: preprocessing and decoding on the main thread, as before they
 * moved into the worker. The realvideo scenario then checks every run (worker stages by default)
 * against it. Re-capture it when preprocessing or decoding change on purpose (the first capture,
 * from main 6cb8246, was replaced when preprocess() began rounding resampled values as cv2 does).
 * One file per class of CPU kernels (avx2, avx512, avx512vnni, …: baseline-file.ts), each recording
 * the CPU's kernel instruction sets and the ONNX Runtime version. The realvideo scenario holds a run
 * to the bar against the file captured with this machine's kernels; without one it reports the
 * comparison with another file instead.
 *
 *   npm run build && node --import tsx bench/dev/capture-baseline.ts
 *
 * To capture from the code before a change (the stored files come from 3b0fbea), run it in a
 * worktree of that commit, with ../shared beside the worktree:
 *   git worktree add /tmp/before COMMIT && ln -s "$PWD/../shared" /tmp/shared
 *   cp bench/dev/capture-baseline.ts /tmp/before/bench/dev/
 *   cp bench/lib/machine.ts bench/lib/baseline-file.ts /tmp/before/bench/lib/
 *   ln -s "$PWD/node_modules" /tmp/before/ && (cd /tmp/before && npx tsc -p tsconfig.build.json \
 *     && node --import tsx bench/dev/capture-baseline.ts)
 *   cp /tmp/before/bench/baselines/realvideo-detections.*.json bench/baselines/
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/processes.js';
import { captureDetections, type FrameDetections } from '../lib/detections.js';
import { startInfra } from '../lib/infra.js';
import { instructionSets, machineInfo } from '../lib/machine.js';
import { baselineFile } from '../lib/baseline-file.js';
import { BASELINE_FRAMES, REAL_CASES } from '../lib/realworld.js';
import { writeFormatted } from '../lib/write.js';

const infra = await startInfra();
const cases: Record<string, FrameDetections> = {};
try {
  for (const c of REAL_CASES) {
    process.stderr.write(`capturing ${c.key} (${BASELINE_FRAMES} frames)\n`);
    // The same capture as bench/lib/detection-check.ts, written out here: this script must run
    // in a worktree of an older commit, which has detections.ts but not detection-check.ts.
    cases[c.key] = await captureDetections(
      {
        model: c.model,
        sources: [c.video],
        telemetry: 'off',
        otlpEndpoint: infra.deadEndpoint,
        brokerUrl: infra.brokerUrl,
        set: { 'pipeline.worker_stages': false },
      },
      BASELINE_FRAMES,
    );
    process.stderr.write(`  ${Object.keys(cases[c.key]!).length} frames\n`);
  }
} finally {
  await infra.stop();
}
const isa = instructionSets();
const out = baselineFile(isa);
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT }).toString().trim();
await writeFormatted(
  join(REPO_ROOT, out),
  JSON.stringify({
    commit,
    settings: { 'pipeline.worker_stages': false },
    machine: {
      cpuModel: machineInfo().cpuModel,
      instructionSets: isa,
      onnxruntime: machineInfo().onnxruntime,
    },
    frames: BASELINE_FRAMES,
    cases,
  }) + '\n',
);
process.stderr.write(`written ${out} (code at ${commit})\n`);

/**
 * Captures the detections of the first frames of each real video with each real model
 * (../shared/realworld/) into bench/baselines/realvideo-detections.json. Run once on the code
 * whose output is the reference (it was run on main before the pipeline moved work off the event
 * loop); the realvideo scenario then checks every run against it.
 *
 *   npm run build && node --import tsx bench/dev/capture-baseline.ts
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/processes.js';
import { captureDetections, type FrameDetections } from '../lib/detections.js';
import { startInfra } from '../lib/infra.js';
import { BASELINE_FRAMES, BASELINE_PATH, REAL_CASES } from '../lib/realworld.js';
import { writeFormatted } from '../lib/write.js';

const infra = await startInfra();
const cases: Record<string, FrameDetections> = {};
try {
  for (const c of REAL_CASES) {
    process.stderr.write(`capturing ${c.key} (${BASELINE_FRAMES} frames)\n`);
    cases[c.key] = await captureDetections(
      {
        model: c.model,
        sources: [c.video],
        telemetry: 'off',
        otlpEndpoint: infra.deadEndpoint,
        brokerUrl: infra.brokerUrl,
      },
      BASELINE_FRAMES,
    );
    process.stderr.write(`  ${Object.keys(cases[c.key]!).length} frames\n`);
  }
} finally {
  await infra.stop();
}
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT }).toString().trim();
await writeFormatted(
  join(REPO_ROOT, BASELINE_PATH),
  JSON.stringify({ commit, frames: BASELINE_FRAMES, cases }) + '\n',
);
process.stderr.write(`written ${BASELINE_PATH} (code at ${commit})\n`);

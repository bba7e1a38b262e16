/**
 * Development A/B runner for the real-video cases (not part of the suite's results): runs one
 * case of bench/scenarios/realvideo.ts with each variant, interleaved, N rounds, and prints fps,
 * CPU per frame by thread, the event-loop maximum and the /health/ready p99 of every run, next to
 * the bare ORT loop and ffmpeg-alone figures the limit is made of.
 *
 *   node --import tsx bench/dev/realvideo-ab.ts CASE [rounds] [--variant 'k=v,k=v'] ...
 *
 * CASE is a key of REAL_CASES (people/yolo11n-320, …). A variant is a comma-separated list of
 * config settings; `pipeline.worker_stages` defaults to auto. No variant: one, the defaults.
 * PROF_DIR=dir records --cpu-prof profiles and prints the main thread's top functions;
 * CHILD_NODE_OPTIONS is the service's NODE_OPTIONS (e.g. `--import /tmp/trace-gc.mjs`). A
 * variant's `env.NAME=value` entries are environment variables of the service instead of settings
 * (`--variant env.ADELINE_MAX_SEMI_SPACE_MB=0`: the bench passes none of its own ADELINE_* variables on).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLogger } from '../../src/telemetry/logger.js';
import { bareOrt } from '../lib/bare.js';
import { devContext } from '../lib/dev-context.js';
import { summariseDir } from '../lib/cpu-profile.js';
import { decodeFps } from '../lib/decode.js';
import { startInfra } from '../lib/infra.js';
import { demoModel } from '../lib/models.js';
import { limit } from '../lib/realvideo-goals.js';
import { REAL_CASES } from '../lib/realworld.js';
import { serviceRun } from '../scenarios/realvideo.js';
import { INTRA_OP_THREADS } from '../scenarios/throughput.js';

const args = process.argv.slice(2);
const key = args[0];
const c = REAL_CASES.find((x) => x.key === key);
if (!c) {
  console.error(
    `usage: realvideo-ab.ts CASE [rounds] [--variant k=v,...]; CASE one of ${REAL_CASES.map((x) => x.key).join(', ')}`,
  );
  process.exit(2);
}
const rounds = Number(args[1] && !args[1].startsWith('--') ? args[1] : 1);
const variants: Record<string, string | number | boolean>[] = [];
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--variant') {
    const v: Record<string, string | number | boolean> = {};
    for (const kv of (args[++i] ?? '').split(',').filter(Boolean)) {
      const [k, raw] = kv.split('=') as [string, string];
      v[k] =
        raw === 'true'
          ? true
          : raw === 'false'
            ? false
            : Number.isNaN(Number(raw))
              ? raw
              : Number(raw);
    }
    variants.push(v);
  }
}
if (variants.length === 0) variants.push({});
process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'adeline-rvab-'));
configureLogger({ level: 'warn', pretty: 'never', destination: process.stderr });
const demo = await demoModel();
if (!demo) throw new Error('no demo model');
const infra = await startInfra();
const ctx = devContext(infra, demo);
try {
  const decode = await decodeFps(c.video, 2);
  const bare = await bareOrt(c.model, INTRA_OP_THREADS, 2, 5);
  const lim = limit(decode.fps, bare.fps);
  console.log(
    `${c.key}: decode ${decode.fps.toFixed(1)} fps, ort ${bare.fps.toFixed(1)} runs/s, limit ${lim.toFixed(1)} fps`,
  );
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const { 'pipeline.worker_stages': ws = 'auto', ...settings } = v;
      const rest = Object.fromEntries(
        Object.entries(settings).filter(([k]) => !k.startsWith('env.')),
      );
      const extraEnv = Object.fromEntries(
        Object.entries(settings)
          .filter(([k]) => k.startsWith('env.'))
          .map(([k, val]) => [k.slice(4), String(val)]),
      );
      const prof = process.env.PROF_DIR
        ? `${process.env.PROF_DIR}/r${r}-${variants.indexOf(v)}`
        : undefined;
      const env = {
        ...extraEnv,
        ...(process.env.CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.CHILD_NODE_OPTIONS } : {}),
      };
      const f = await serviceRun(ctx, c, ws === 'auto' ? 'auto' : ws === true, rest, prof, env);
      const t = f.run.cpuMsPerFrameByThread;
      console.log(
        `${JSON.stringify(v).padEnd(50)} ${f.run.fps.toFixed(1).padStart(6)} fps ratio ${(f.run.fps / lim).toFixed(3)}  main ${t.MainThread ?? 0} worker ${t.WorkerThread ?? 0} ffmpeg ${f.ffmpegCpuMsPerFrame} ms/frame  eld max ${f.eventLoopMaxMs} ms  ready p99 ${f.readyProbeMs.p99} ms`,
      );
      if (prof) {
        const [main] = summariseDir(prof, 30, f.run.window);
        if (main)
          console.log(
            main.topFunctions
              .map(
                (x) =>
                  `  ${((x.ms * 1000) / f.run.framesInWindow).toFixed(1).padStart(7)} µs/frame ${x.fn}`,
              )
              .join('\n'),
          );
      }
    }
  }
} finally {
  await infra.stop();
}

/**
 * Development A/B runner (not part of the suite's results): the demo model's full-speed service
 * runs in the given telemetry modes, interleaved, N rounds; prints fps and CPU per frame per run
 * and the mean per mode. `node --import tsx bench/dev/ab.ts [rounds] [modes] [--set k=v ...]`
 * CHILD_ENV='K=V,K=V' gives the service extra environment variables (the bench passes none of its
 * own ADELINE_* variables on), e.g. CHILD_ENV=ADELINE_MAX_SEMI_SPACE_MB=0.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLogger } from '../../src/telemetry/logger.js';
import { devContext } from '../lib/dev-context.js';
import { summariseDir } from '../lib/cpu-profile.js';
import { measureRun } from '../lib/measure.js';
import { startInfra } from '../lib/infra.js';
import { demoModel } from '../lib/models.js';
import type { TelemetryMode } from '../lib/service.js';

const args = process.argv.slice(2);
const rounds = Number(args[0] ?? 2);
const modes = (args[1] ?? 'live,off').split(',') as TelemetryMode[];
const set: Record<string, string | number | boolean> = {};
for (let i = 2; i < args.length; i++) {
  if (args[i] === '--set') {
    const [k, v] = args[++i]!.split('=');
    set[k!] = Number.isNaN(Number(v)) ? v! : Number(v);
  }
}
process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'adeline-ab-'));
configureLogger({ level: 'warn', pretty: 'never', destination: process.stderr });
const demo = await demoModel();
if (!demo) throw new Error('no demo model');
const infra = await startInfra();
const { sink, brokerUrl } = infra;
const ctx = devContext(infra, demo);
const childEnv: Record<string, string> = Object.fromEntries(
  (process.env.CHILD_ENV ?? '')
    .split(',')
    .filter((kv) => kv.includes('='))
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const by: Record<string, number[]> = {};
try {
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
      const m = await measureRun(
        ctx,
        {
          model: demo.path,
          telemetry: mode,
          otlpEndpoint: mode === 'live' ? sink.endpoint : ctx.deadEndpoint,
          brokerUrl,
          set,
          env: childEnv,
          ...(process.env.PROF_DIR ? { cpuProfDir: `${process.env.PROF_DIR}/${mode}${r}` } : {}),
        },
        { warmupS: 2, windowS: 8 },
      );
      (by[mode] ??= []).push(m.fps);
      if (process.env.PROF_DIR) {
        const [main] = summariseDir(`${process.env.PROF_DIR}/${mode}${r}`, 45, m.window);
        const perFrame = (ms: number) => ((ms * 1000) / m.framesInWindow).toFixed(1).padStart(6);
        if (main)
          console.log(
            `${mode} main thread, µs per frame:\n${main.byComponent.map((c) => `  ${perFrame(c.ms)} ${c.component}`).join('\n')}\n${main.topFunctions.map((f) => `  ${perFrame(f.ms)} ${f.fn}`).join('\n')}`,
          );
      }
      console.log(
        `${mode.padEnd(5)} ${m.fps.toFixed(1).padStart(7)} fps  cpu/frame ${m.cpuMsPerFrame} ms ${JSON.stringify(m.cpuMsPerFrameByThread)}`,
      );
    }
  }
} finally {
  await infra.stop();
}
for (const [mode, v] of Object.entries(by))
  console.log(
    `${mode}: mean ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(1)} fps (${v.join(', ')})`,
  );

/**
 * The benchmark suite (issue 7; STYLE.md 21: benchmarks live in the repo, report ratios, one
 * command). `npm run bench` builds dist/, then runs this with tsx. It starts a Mosquitto on a free
 * loopback port, a counting OTLP sink and an MQTT consumer, runs every scenario, prints the table
 * and writes bench/results.json and bench/results.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLogger } from '../src/telemetry/logger.js';
import { REPO_ROOT, tempDir } from '../test/helpers/processes.js';
import type { BenchContext } from './lib/context.js';
import { writeDocs } from './lib/docs.js';
import { LOAD_WARN, loadAverage, machineInfo } from './lib/machine.js';
import { startInfra } from './lib/infra.js';
import { demoModel, soakModel, yolov8nModel, type BenchModel } from './lib/models.js';
import { ON_DEMAND, SCENARIOS, USAGE, parseOptions } from './lib/options.js';
import { header, markdownTable, textTable } from './lib/report.js';
import type { Goal, Results, ScenarioResult } from './lib/results.js';
import { round } from './lib/stats.js';
import { writeFormatted } from './lib/write.js';
import { burst } from './scenarios/burst.js';
import { latency } from './scenarios/latency.js';
import { liveview } from './scenarios/liveview.js';
import { mqttPublish } from './scenarios/mqtt.js';
import { outage } from './scenarios/outage.js';
import { profile } from './scenarios/profile.js';
import { realvideo } from './scenarios/realvideo.js';
import { responsiveness } from './scenarios/responsiveness.js';
import { scaling } from './scenarios/scaling.js';
import { soak } from './scenarios/soak.js';
import { throughput } from './scenarios/throughput.js';

const RUNNERS: Record<(typeof SCENARIOS)[number], (ctx: BenchContext) => Promise<ScenarioResult>> =
  {
    throughput,
    responsiveness,
    latency,
    mqtt: mqttPublish,
    scaling,
    soak,
    outage,
    liveview,
    burst,
    profile,
    realvideo,
  };

const opts = parseOptions(process.argv.slice(2));
if (!opts) {
  console.log(USAGE);
  process.exit(0);
}

// Every temporary file of the run (models, spools, broker config, profiles) goes under one
// directory, removed at the end unless profiles were asked for. Children inherit TMPDIR.
const workDir = mkdtempSync(join(tmpdir(), 'adeline-bench-'));
process.env.TMPDIR = workDir;

const startedAt = performance.now();
const log = (m: string) =>
  process.stderr.write(
    `[bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${m}\n`,
  );
// In-process parts of the service (data plane, engine) log to stderr, warnings only.
configureLogger({ level: 'warn', pretty: 'never', destination: process.stderr });

const warnings: string[] = [];
const loadStart = loadAverage();
log(`load average ${loadStart.join(' ')}`);
if (loadStart[0] > LOAD_WARN) {
  const w = `load average ${loadStart[0]} > ${LOAD_WARN} at start: other work shares the cores, so these figures are not results`;
  warnings.push(w);
  log(`WARNING: ${w}`);
}
if (opts.quick) warnings.push('--quick: short windows for developing the suite; not results');

const demo = await demoModel();
if (!demo) {
  const w =
    'models/adeline-demo.onnx does not exist or does not load: the demo-model figures are missing from this run';
  warnings.push(w);
  log(`WARNING: ${w}`);
}
log('generating the YOLOv8n-sized and soak models');
const modelDir = tempDir('adeline-bench-models-');
const models: BenchModel[] = [...(demo ? [demo] : []), yolov8nModel(modelDir)];
const soakM = soakModel(modelDir);

const infra = await startInfra();
const { brokerUrl, sink } = infra;
const ctx: BenchContext = {
  opts,
  brokerUrl,
  sink,
  deadEndpoint: infra.deadEndpoint,
  counter: infra.counter,
  models,
  soakModel: soakM,
  profileDir: tempDir('adeline-bench-prof-'),
  log,
};
log(
  `Mosquitto on ${brokerUrl} (Debian mosquitto, started by the bench), OTLP sink on ${sink.endpoint}`,
);

const goals: Goal[] = [];
const scenarios: Record<string, unknown> = {};
try {
  for (const name of SCENARIOS) {
    const wanted =
      opts.only.length > 0
        ? opts.only.includes(name)
        : !ON_DEMAND.includes(name) || (name === 'profile' && opts.profile);
    if (!wanted) continue;
    log(`${name}`);
    try {
      const r = await RUNNERS[name](ctx);
      goals.push(...r.goals);
      scenarios[name] = r.data;
      warnings.push(...(r.warnings ?? []));
    } catch (err) {
      const w = `${name} failed: ${err instanceof Error ? err.message : String(err)}`;
      warnings.push(w);
      log(`ERROR: ${w}`);
    }
  }
} finally {
  await infra.stop();
  if (opts.profile || opts.only.includes('profile')) log(`profiles kept in ${ctx.profileDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

const loadEnd = loadAverage();
if (loadEnd[0] > LOAD_WARN && loadStart[0] <= LOAD_WARN) {
  warnings.push(
    `load average ${loadEnd[0]} > ${LOAD_WARN} at the end: something else ran meanwhile`,
  );
}
const results: Results = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  date: new Date().toISOString(),
  machine: machineInfo(),
  loadAverage: { start: loadStart, end: loadEnd },
  warnings,
  quick: opts.quick,
  durationS: round((performance.now() - startedAt) / 1000, 1),
  models: Object.fromEntries(
    [...models, soakM].map((m) => [
      m.key,
      { label: m.label, path: m.path, input: m.input, output: m.output },
    ]),
  ),
  goals,
  scenarios,
};
if (!demo) results.models.demo = null;
await writeFormatted(
  join(REPO_ROOT, 'bench', 'results.json'),
  JSON.stringify(results, null, 2) + '\n',
);
await writeFormatted(
  join(REPO_ROOT, 'bench', 'results.md'),
  `${header(results).replace(/^/gm, '    ')}\n\n${markdownTable(goals)}\n`,
);
if (opts.writeDocs) await writeDocs(results);
console.log(`\n${header(results)}\n\n${textTable(goals)}\n`);
console.log(
  'Written: bench/results.json, bench/results.md' +
    (opts.writeDocs ? ', docs/benchmarks.md, README.md (headline)' : ''),
);

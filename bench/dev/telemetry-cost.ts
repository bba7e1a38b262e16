/**
 * Micro-benchmark: the CPU that telemetry adds to one frame, in microseconds (`npm run
 * bench:telemetry`). Runs the real FrameProcessor with instant fake stages (so nearly everything
 * measured is telemetry) plus the per-frame records of the other modules (source, policies, data
 * plane), with the SDK started exactly as the service starts it, exporting to a sink in another
 * process ('live'), to a closed port ('dead'), or not started ('off').
 *
 * Without arguments: each mode 3 times, alternated, each in its own process, from dist/; prints
 * the median µs per frame of each and the difference to 'off'. CPU time per frame hardly depends
 * on other load, unlike frames/s, so this resolves a few microseconds where the service-level
 * throughput comparison (bench/scenarios/throughput.ts) cannot.
 *
 * One run: `node --import tsx bench/dev/telemetry-cost.ts <off|live|dead> [frames] [key=value…]`
 * (config overrides, e.g. telemetry.traces.max_export_batch_size=128); FROM_DIST=1 for dist/.
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Detection } from '../../src/domain/detection.js';
import type { Frame } from '../../src/domain/frame.js';
import type * as LoadM from '../../src/config/load.js';
import type * as FrameM from '../../src/domain/frame.js';
import type * as ProcM from '../../src/pipeline/frame-processor.js';
import type * as StatsM from '../../src/pipeline/run-stats.js';
import type * as MetricsM from '../../src/telemetry/metrics.js';
import type * as LoggerM from '../../src/telemetry/logger.js';
import type * as SdkM from '../../src/telemetry/sdk.js';

if (process.argv.length <= 2) {
  const self = fileURLToPath(import.meta.url);
  const runs: Record<string, number[]> = { off: [], dead: [], live: [] };
  for (let round = 0; round < 3; round++) {
    for (const mode of round % 2 ? ['live', 'dead', 'off'] : ['off', 'dead', 'live']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, mode, '20000'], {
        env: { ...process.env, FROM_DIST: '1' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const us = Number(/([\d.]+) µs CPU per frame/.exec(out)?.[1]);
      runs[mode]!.push(us);
      process.stderr.write(`  ${mode}: ${us} µs\n`);
    }
  }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
  const off = med(runs.off!);
  for (const [mode, v] of Object.entries(runs))
    console.log(
      `${mode.padEnd(4)} ${med(v).toFixed(1).padStart(6)} µs CPU per frame (median of ${v.join(', ')})` +
        (mode === 'off' ? '' : `; telemetry adds ${(med(v) - off).toFixed(1)} µs`),
    );
  process.exit(0);
}

// FROM_DIST=1 runs the compiled dist/ (as the service runs), else the sources through tsx.
const base = process.env.FROM_DIST ? '../../dist' : '../../src';
const ext = process.env.FROM_DIST ? '.js' : '.ts';
const load = <T>(path: string): Promise<T> => import(`${base}/${path}${ext}`) as Promise<T>;
const { loadConfig } = await load<typeof LoadM>('config/load');
const { nowMs } = await load<typeof FrameM>('domain/frame');
const { FrameProcessor } = await load<typeof ProcM>('pipeline/frame-processor');
const { RunStats } = await load<typeof StatsM>('pipeline/run-stats');
const { addMetric, createAllInstruments, setGauge } =
  await load<typeof MetricsM>('telemetry/metrics');
const { configureLogger } = await load<typeof LoggerM>('telemetry/logger');
const { startTelemetry } = await load<typeof SdkM>('telemetry/sdk');

const mode = process.argv[2] ?? 'live';
const frames = Number(process.argv[3] ?? 20000);
const overrides: Record<string, unknown> = {};
for (const kv of process.argv.slice(4)) {
  const [k, v] = kv.split('=');
  overrides[k!] =
    v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v);
}

async function startSink(): Promise<{ url: string; stop: () => void }> {
  const code = `const s=require('http').createServer((q,r)=>{q.on('data',()=>{});q.on('end',()=>{r.writeHead(200);r.end('{}')})});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((r) =>
    child.stdout.once('data', (d) => r(String(d).trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const sink = mode === 'live' ? await startSink() : null;
configureLogger({ level: 'info', pretty: 'never', destination: process.stderr });
if (mode !== 'off') {
  const { config } = loadConfig({
    env: {},
    overrides: { 'telemetry.otlp.endpoint': sink?.url ?? 'http://127.0.0.1:9', ...overrides },
  });
  startTelemetry(config, {});
}
createAllInstruments({
  sourceIds: [0],
  classes: ['person', 'fallen_person'],
  services: ['inference', 'mqtt_publish'],
});

const person: Detection = {
  classId: 0,
  className: 'person',
  confidence: 0.9,
  box: { x1: 1, y1: 2, x2: 10, y2: 20 },
};
const raw = { inferenceMs: 2, workerStartMs: 0, workerEndMs: 0, queueMs: 0.1 };
const labels = { source_id: 0 };
const processor = new FrameProcessor({
  detector: {
    modelName: 'demo.onnx',
    prepare: () => ({ transform: null }),
    infer: () => {
      const t = nowMs();
      raw.workerStartMs = t - 2;
      raw.workerEndMs = t;
      addMetric('policyCalls', 1, { service: 'inference', outcome: 'success' });
      return Promise.resolve(raw);
    },
    decode: () => [person, person],
    discard: () => {},
  },
  roi: { mode: 'none', roiFor: () => null, update: () => {}, roiMetrics: () => null },
  stabilizer: { enabled: true, process: (_s, d) => d, activeTracks: () => 2 },
  publisher: {
    publishFrame: () => {
      addMetric('policyCalls', 1, { service: 'mqtt_publish', outcome: 'success' });
      addMetric('mqttPublished', 1, { channel: 'detections' });
      return Promise.resolve({ messageId: 1, spooled: false });
    },
  },
  stats: new RunStats(),
  isPaused: () => false,
});
const data = new Uint8Array(16);
async function run(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t = nowMs();
    addMetric('framesRead', 1, labels);
    setGauge('sourceFps', 400, labels);
    const frame: Frame = {
      sourceId: 0,
      seq: i,
      width: 640,
      height: 480,
      data,
      capturedAtMs: t,
      decodeStartMs: t - 0.5,
      release: () => {},
    };
    await processor.process(frame);
    // let timers (batch export) and I/O run, as between frames in the service
    if (i % 4 === 0) await new Promise((r) => setImmediate(r));
  }
}
await run(5000); // warm-up
const c0 = process.cpuUsage();
const t0 = performance.now();
await run(frames);
const c1 = process.cpuUsage(c0);
const wall = performance.now() - t0;
console.log(
  `${mode}: ${((c1.user + c1.system) / frames).toFixed(1)} µs CPU per frame (all threads of this process), ${((wall * 1000) / frames).toFixed(1)} µs wall per frame`,
);
sink?.stop();
process.exit(0);

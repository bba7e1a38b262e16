/**
 * Benchmark 4: the MQTT publish path (bench/children/mqtt-publish.ts, in its own process with the
 * OTel SDK started as in the service): the DataPlane with all cockatiel policies against a bare
 * mqtt.js publish loop to the same Mosquitto. The goal applies to QoS 0 (the default for
 * detections), each publish awaited before the next as the frame loop does, against the bare loop
 * publishing a payload serialized once; the ratio against a bare loop that serializes each message
 * is reported alongside, as are the pipelined and QoS 1 variants.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, nodeBin } from '../../test/helpers/processes.js';
import type { VariantResult } from '../children/mqtt-publish.js';
import { pick, type BenchContext } from '../lib/context.js';
import { atLeast, type Goal, type ScenarioResult } from '../lib/results.js';
import { mean, round } from '../lib/stats.js';

const run = promisify(execFile);
const KEYS = ['qos0', 'qos0_pipelined', 'qos1'];

export async function mqttPublish(ctx: BenchContext): Promise<ScenarioResult> {
  const windowMs = pick(ctx, 1500, 700);
  const passes = pick(ctx, 3, 1);
  ctx.log(`  data plane vs bare mqtt.js, ${passes} passes of ${windowMs} ms`);
  const script = join(REPO_ROOT, 'bench', 'children', 'mqtt-publish.ts');
  const args = [
    '--import',
    'tsx',
    script,
    ctx.brokerUrl,
    ctx.sink.endpoint,
    String(windowMs),
    String(passes),
  ];
  const { stdout } = await run(nodeBin(), args, {
    cwd: REPO_ROOT,
    timeout: 120_000,
    maxBuffer: 1 << 20,
  });
  const variants = JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as VariantResult[];
  const goals: Goal[] = variants.map((v, i) => {
    const dp = mean(v.dataPlane);
    const bare = mean(v.bare);
    const bareJson = mean(v.bareJson);
    const ratio = bare > 0 ? dp / bare : 0;
    const ratioJson = bareJson > 0 ? dp / bareJson : 0;
    const primary = i === 0;
    return {
      id: `mqtt_publish.${KEYS[i] ?? i}`,
      section: '4. MQTT publish path',
      title: `data plane (all policies) ÷ bare mqtt.js, ${v.name}`,
      model: null,
      value: round(ratio, 3),
      unit: 'ratio',
      goal: primary ? '>= 0.9' : '(reported)',
      met: primary ? atLeast(ratio, 0.9) : null,
      absolute: `${round(dp, 0)} msg/s data plane / ${round(bare, 0)} msg/s bare (${v.spooled} spooled); ${round(ratioJson, 3)} of a bare loop that also serializes each message (${round(bareJson, 0)} msg/s)`,
    };
  });
  return { goals, data: variants };
}

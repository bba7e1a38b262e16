/**
 * Benchmark 4, run as its own process: detection messages/s through the real DataPlane (frame
 * result → JSON message → bulkhead → breaker → retry → timeout → mqtt.js, disk spool behind it)
 * against a bare mqtt.js loop publishing the same payload to the same broker, same QoS, MQTT 5.
 * The OTel SDK is started here as the service starts it (src/telemetry/sdk.ts), so the policy
 * and publish metrics are recorded as in production. Passes alternate so that drift cancels out.
 * Prints one JSON line.
 *
 *   node --import tsx bench/children/mqtt-publish.ts BROKER_URL OTLP_ENDPOINT WINDOW_MS PASSES
 */
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { ConfigSchema } from '../../src/config/schema.js';
import type { FrameResult } from '../../src/domain/frame-result.js';
import { DataPlane } from '../../src/planes/data-plane.js';
import { frameRecord } from '../../src/planes/frame-record.js';
import { buildPublishPolicy } from '../../src/resilience/policies.js';
import { DiskSpool } from '../../src/resilience/spool.js';
import { configureLogger } from '../../src/telemetry/logger.js';
import { createAllInstruments } from '../../src/telemetry/metrics.js';
import { startTelemetry } from '../../src/telemetry/sdk.js';
import { tempDir } from '../../test/helpers/processes.js';
import { nowMs, sleep } from '../lib/clock.js';
import { round } from '../lib/stats.js';

const [brokerUrl, otlpEndpoint, windowArg, passesArg] = process.argv.slice(2);
if (!brokerUrl || !otlpEndpoint)
  throw new Error('usage: mqtt-publish.ts BROKER_URL OTLP_ENDPOINT WINDOW_MS PASSES');
const windowMs = Number(windowArg ?? 2000);
const passes = Number(passesArg ?? 3);
const TOPIC = 'bench/adeline/detections';

configureLogger({ level: 'warn', pretty: 'never', destination: process.stderr });
const telemetry = startTelemetry(
  ConfigSchema.parse({ telemetry: { otlp: { endpoint: otlpEndpoint }, metrics: { host: false } } }),
);
createAllInstruments();

/** A typical frame: three people detected in a 640×480 frame. */
function sampleResult(seq: number): FrameResult {
  const det = (i: number) => ({
    classId: 0,
    className: 'person',
    confidence: 0.8 + i / 100,
    box: { x1: 100 + 60 * i, y1: 120, x2: 150 + 60 * i, y2: 300 },
  });
  return {
    sourceId: 0,
    seq,
    capturedAtMs: Date.now(),
    width: 640,
    height: 480,
    detections: [det(0), det(1), det(2)],
    roiMetrics: null,
    stabilized: false,
  };
}

type Publish = (seq: number) => Promise<unknown>;

/** Messages/s of `publish` for ms milliseconds, with `depth` publishes outstanding. */
async function rate(publish: Publish, ms: number, depth: number): Promise<number> {
  let seq = 0;
  const t0 = nowMs();
  const end = t0 + ms;
  const lane = async () => {
    while (nowMs() < end) await publish(++seq);
  };
  await Promise.all(Array.from({ length: depth }, lane));
  return (seq * 1000) / (nowMs() - t0);
}

export interface VariantResult {
  name: string;
  qos: 0 | 1;
  depth: number;
  dataPlane: number[];
  /** The payload serialized once, published as is. */
  bare: number[];
  /** The same message object serialized (JSON.stringify) for every publish, as any publisher must. */
  bareJson: number[];
  spooled: number;
}

async function openDataPlane(qos: 0 | 1): Promise<DataPlane> {
  const config = ConfigSchema.parse({
    mqtt: { broker: { url: brokerUrl }, topics: { data: TOPIC }, qos: { data: qos } },
    spool: { dir: join(tempDir('adeline-bench-spool-'), 'spool') },
  });
  const dp = new DataPlane({
    mqtt: config.mqtt,
    url: brokerUrl!,
    policy: buildPublishPolicy(config.resilience),
    spool: new DiskSpool(config.spool),
  });
  await dp.start();
  const deadline = nowMs() + 10_000;
  while (!dp.connection.isConnected()) {
    if (nowMs() > deadline) throw new Error('the data plane did not connect within 10 s');
    await sleep(10);
  }
  return dp;
}

async function variant(name: string, qos: 0 | 1, depth: number, n: number): Promise<VariantResult> {
  const v: VariantResult = { name, qos, depth, dataPlane: [], bare: [], bareJson: [], spooled: 0 };
  const dp = await openDataPlane(qos);
  const bare: MqttClient = await connectAsync(brokerUrl!, {
    protocolVersion: 5,
    clientId: `bench-bare-${process.pid}-${qos}-${depth}`,
  });
  const payload = frameRecord(sampleResult(1), 1, TOPIC, qos).payload;
  const message = JSON.parse(payload) as { message_id: number };
  try {
    const viaDataPlane: Publish = async (seq) => {
      const r = await dp.publishFrame(sampleResult(seq));
      if (r.spooled) v.spooled++;
    };
    const viaBare: Publish = () => bare.publishAsync(TOPIC, payload, { qos });
    const viaBareJson: Publish = (seq) => {
      message.message_id = seq;
      return bare.publishAsync(TOPIC, JSON.stringify(message), { qos });
    };
    await rate(viaBare, 300, depth); // warm-up: JIT, socket buffers
    await rate(viaBareJson, 300, depth);
    await rate(viaDataPlane, 300, depth);
    for (let i = 0; i < n; i++) {
      v.bare.push(round(await rate(viaBare, windowMs, depth), 0));
      v.bareJson.push(round(await rate(viaBareJson, windowMs, depth), 0));
      v.dataPlane.push(round(await rate(viaDataPlane, windowMs, depth), 0));
    }
  } finally {
    await bare.endAsync();
    await dp.drain(1000);
    await dp.stop();
  }
  return v;
}

const results = [
  await variant('QoS 0, awaited one by one', 0, 1, passes),
  await variant('QoS 0, 64 outstanding', 0, 64, 1),
  await variant('QoS 1, awaited one by one', 1, 1, 1),
];
await telemetry.shutdown();
process.stdout.write(JSON.stringify(results) + '\n');

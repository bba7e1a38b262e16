/**
 * Benchmark 10 (issue 13): a broker crash at full speed. The service publishes detections
 * (synthetic scene, not live, --max-fps 0, default QoS 0 and live-first replay) to its own
 * Mosquitto with persistence; a persistent-session subscriber (MQTT 5, QoS 1) listens. Mosquitto
 * is SIGKILLed, stays down, and is restarted on the same port. Reported: messages lost (ids from
 * 1 to the last built that never arrived; goal 0), duplicates (arrived vs counted), how long the
 * replay took after the restart and at what rate, and the lag of live detections while the spool
 * drained (built → received; goal p99 ≤ 500 ms, the bound docs/resilience.md states).
 */
import { DetectionCollector } from '../../test/helpers/mqtt-collector.js';
import type { Mosquitto } from '../../test/helpers/processes.js';
import {
  pauseService,
  persistenceDir,
  startPersistentMosquitto,
} from '../../test/helpers/resilience.js';
import { waitFor } from '../../test/helpers/wait.js';
import { pick, type BenchContext } from '../lib/context.js';
import { atMost, type Goal, type ScenarioResult } from '../lib/results.js';
import { ServiceProcess } from '../lib/service.js';
import { distribution, round } from '../lib/stats.js';

const SECTION = '10. Broker outage';
const LIVE_LAG_BOUND_MS = 500;
const BROKER_CONF = ['queue_qos0_messages true', 'max_inflight_messages 0'];

export async function outage(ctx: BenchContext): Promise<ScenarioResult> {
  const downMs = pick(ctx, 8000, 2500);
  const model = ctx.models[0]!;
  ctx.log(`  ${model.label}: broker SIGKILLed for ${downMs} ms at full speed`);
  const dataDir = persistenceDir();
  let mosq: Mosquitto = await startPersistentMosquitto(dataDir, undefined, BROKER_CONF);
  const url = `mqtt://127.0.0.1:${mosq.port}`;
  const sub = await DetectionCollector.start(url, {
    clientId: `bench-outage-${process.pid}`,
    clean: false,
    protocolVersion: 5,
  });
  const subscribedAt = Date.now();
  const svc = new ServiceProcess({
    model: model.path,
    telemetry: 'dead',
    otlpEndpoint: ctx.deadEndpoint,
    brokerUrl: url,
    set: { 'mqtt.reconnect.initial_delay_ms': 100, 'mqtt.reconnect.max_delay_ms': 500 },
  });
  try {
    await svc.started();
    await sub.waitUntil((c) => c.messages.length > 500, 30_000, 'live messages');
    await waitFor(() => Date.now() - subscribedAt > 2500, { what: 'the session saved' });
    const killedAt = Date.now();
    await mosq.proc.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, downMs)); // the outage itself
    const restartedAt = Date.now();
    mosq = await startPersistentMosquitto(dataDir, mosq.port, BROKER_CONF);
    // The replay is done when the spool is empty again.
    await waitFor(
      async () => {
        const m = await svc.metrics();
        return (
          Date.now() - restartedAt > 500 &&
          m.has('adeline_spool_messages') &&
          m.sum('adeline_spool_messages') === 0
        );
      },
      { timeoutMs: 120_000, intervalMs: 100, what: 'the spool drained' },
    );
    await pauseService(url);
    let built = -1;
    await waitFor(
      async () => {
        const m = await svc.metrics();
        const b = m.sum('adeline_mqtt_messages_built_total');
        const rest = b === built && m.sum('adeline_mqtt_unconfirmed_messages') === 0;
        built = b;
        return rest && sub.ids().size >= b;
      },
      { timeoutMs: 20_000, intervalMs: 300, what: 'the service at rest' },
    ).catch(() => undefined); // a loss shows as missing ids below
    const m = await svc.metrics();
    const replays = sub.messages.filter((x) => x.replayed && x.atMs > restartedAt);
    const lastReplay = replays.reduce((a, x) => Math.max(a, x.atMs), restartedAt);
    const live = sub.messages.filter(
      (x) => !x.replayed && x.atMs > restartedAt && x.atMs <= lastReplay,
    );
    const lags = live.map((x) => x.atMs - x.builtAtMs);
    const lost = sub.missing(1, built).length;
    const sent = sub.messages.filter((x) => !x.dup);
    const duplicates = sent.length - new Set(sent.map((x) => x.messageId)).size;
    const counted = m.sum('adeline_mqtt_possible_duplicates_total');
    const replayS = (lastReplay - restartedAt) / 1000;
    const firstReplay = replays.reduce((a, x) => Math.min(a, x.atMs), lastReplay);
    const data = {
      downMs,
      built,
      spooled: m.sum('adeline_mqtt_messages_spooled_total'),
      replayed: replays.length,
      replayS: round(replayS, 2),
      /** From the restart to the first replayed message: reconnect and breaker trial. */
      replayStartS: round((firstReplay - restartedAt) / 1000, 2),
      replayRate: round(replays.length / Math.max(replayS, 0.001), 0),
      lost,
      duplicates,
      duplicatesCounted: counted,
      liveDuringReplay: live.length,
      liveLagMs: distribution(lags, 1),
      outageS: round((restartedAt - killedAt) / 1000, 1),
    };
    const p99 = data.liveLagMs.p99;
    const goals: Goal[] = [
      {
        id: 'outage.lost',
        section: SECTION,
        title: 'messages lost across a broker SIGKILL at full speed (QoS 0)',
        model: model.label,
        value: lost,
        unit: 'messages',
        goal: '= 0',
        met: lost === 0,
        absolute: `${built} built, ${data.spooled} spooled, ${duplicates} duplicates arrived (${counted} counted as possible)`,
      },
      {
        id: 'outage.replay_s',
        section: SECTION,
        title: 'replay time after the broker is back',
        model: model.label,
        value: data.replayS,
        unit: 's',
        goal: '(reported)',
        met: null,
        absolute: `${replays.length} replayed at ${data.replayRate} msg/s after a ${data.outageS} s outage; first replay ${data.replayStartS} s after the restart`,
      },
      {
        id: 'outage.live_lag_p99',
        section: SECTION,
        title: 'live detection lag while the spool drains, p99 (built → subscriber)',
        model: model.label,
        value: live.length > 0 ? p99 : null,
        unit: 'ms',
        goal: `<= ${LIVE_LAG_BOUND_MS} ms`,
        met: live.length > 0 ? atMost(p99, LIVE_LAG_BOUND_MS) : null,
        absolute: `${live.length} live messages during the replay; p50 ${data.liveLagMs.p50} ms, max ${data.liveLagMs.max} ms`,
      },
    ];
    return { goals, data };
  } finally {
    await svc.stop();
    await sub.stop();
    await mosq.stop();
  }
}

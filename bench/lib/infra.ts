/**
 * What every service run of the benchmarks talks to: a real Mosquitto on a free loopback port
 * (stopped by PID), a counting OTLP sink, the dead OTLP endpoint (a closed port) and the MQTT
 * consumer that counts detection messages. Shared by bench/run.ts and bench/dev/ab.ts.
 */
import { freePort, startMosquitto } from '../../test/helpers/processes.js';
import { MessageCounter } from './message-counter.js';
import { CountingOtlpSink } from './otlp-sink.js';

export interface BenchInfra {
  brokerUrl: string;
  sink: CountingOtlpSink;
  deadEndpoint: string;
  counter: MessageCounter;
  stop(): Promise<void>;
}

export async function startInfra(): Promise<BenchInfra> {
  const mosquitto = await startMosquitto();
  const brokerUrl = `mqtt://127.0.0.1:${mosquitto.port}`;
  const sink = new CountingOtlpSink();
  await sink.start();
  const counter = new MessageCounter(brokerUrl);
  await counter.start();
  return {
    brokerUrl,
    sink,
    deadEndpoint: `http://127.0.0.1:${await freePort()}`,
    counter,
    async stop() {
      await counter.stop();
      await sink.stop();
      await mosquitto.stop();
    },
  };
}

/** Routes the service's JSON log lines into an array for a test to read. */
import { Writable } from 'node:stream';
import { configureLogger } from '../../src/telemetry/logger.js';

/** Reconfigures the root logger (level info) to collect every line; reset it in afterEach. */
export function captureLogs(): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  configureLogger({ level: 'info', pretty: 'never', destination: sink });
  return lines;
}

/**
 * Loaded with `node --import ./dist/telemetry/bootstrap.js` before the application, so that the
 * instrumentation hook is registered before anything imports pino (STACK.md: without this, logs
 * carry no trace_id). Only `adeline run` with telemetry on is instrumented: the other commands
 * (health, control, config check, …), `adeline run --help` and runs with telemetry off start
 * without the hook (startup-config.ts decides).
 */
import { register } from 'node:module';
import { telemetryStartupConfig } from './startup-config.js';

const config = telemetryStartupConfig(process.argv.slice(2), process.env);
if (config) {
  // Only pino needs the ESM hook (its instrumentation is the only one). Intercepting every
  // module sent each import through import-in-the-middle's export analysis: `adeline run` took
  // 3 s to fail on a missing model instead of 2, and 1.4 s with telemetry off instead of 0.6.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['pino'] },
  });
  const { startTelemetry } = await import('./sdk.js');
  startTelemetry(config, process.env);
}

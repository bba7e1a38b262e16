/**
 * Loaded with `node --import ./dist/telemetry/bootstrap.js` before the application, so that the
 * instrumentation hook is registered before anything imports pino (STACK.md: without this, logs
 * carry no trace_id). Starts the SDK only for `adeline run` with telemetry enabled.
 */
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const { maybeStartTelemetry } = await import('./sdk.js');
await maybeStartTelemetry(process.argv.slice(2), process.env);

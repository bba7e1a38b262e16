/**
 * Loaded with `node --import ./dist/telemetry/bootstrap.js` before the application, so that the
 * instrumentation hook is registered before anything imports pino (STACK.md: without this, logs
 * carry no trace_id). Only `adeline run` is instrumented: the other commands (health, control,
 * config check, …) and `adeline run --help` start faster without the hook.
 */
import { register } from 'node:module';

const argv = process.argv.slice(2);
const wantsHelp = argv.includes('--help') || argv.includes('-h');
if (argv.find((a) => !a.startsWith('-')) === 'run' && !wantsHelp) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { maybeStartTelemetry } = await import('./sdk.js');
  await maybeStartTelemetry(argv, process.env);
}

/**
 * Whether `adeline run` will start the telemetry SDK, and with which configuration: decided by
 * bootstrap.ts before it registers the module hook, so that a run with telemetry off pays nothing
 * for it. Imports only the configuration modules (no pino, no SDK).
 */
import { configArgsFromArgv } from '../config/argv.js';
import { loadConfig } from '../config/load.js';
import type { AdelineConfig } from '../config/schema.js';

/** The configuration to start telemetry with, or null: not `run`, --help, disabled, or a bad config. */
export function telemetryStartupConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
): AdelineConfig | null {
  const command = argv.find((a) => !a.startsWith('-'));
  if (command !== 'run' || argv.includes('--help') || argv.includes('-h')) return null;
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return null;
  try {
    const args = configArgsFromArgv(argv);
    const { config } = loadConfig({ file: args.file, env, overrides: args.overrides });
    return config.telemetry.enabled ? config : null;
  } catch {
    return null; // the CLI reports configuration errors itself
  }
}

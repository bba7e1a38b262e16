/**
 * `adeline` command-line entry point: dispatches to one module per command.
 * Expected failures (AdelineError) print one clear line and exit non-zero, without a stack trace.
 */
import { AdelineError, describeError } from '../domain/errors.js';
import { VERSION } from '../telemetry/version.js';
import { printError } from './output.js';

const USAGE = `adeline ${VERSION}: real-time video object detection over MQTT

Usage: adeline <command> [options]

Commands:
  run                 run the detection service (default: synthetic scene, demo model, embedded broker)
  control <command>   send a control command over MQTT and print the reply
  monitor [data|status|all]
                      print detection and status messages from the broker
  health              check a running service's health endpoint (exit 0 healthy, 1 not)
  config check [FILE] validate a config file and print the effective config (secrets masked)
  model info FILE     print a model's inputs, outputs, layout, classes and preprocessing;
                      --probe: one inference on a frame, top scores per class

Run 'adeline <command> --help' for the options of each command.
Docs: README.md, docs/configuration.md, docs/mqtt.md, docs/telemetry.md, docs/operations.md`;

type CommandFn = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<CommandFn>> = {
  run: async () => (await import('./run.js')).runCommand,
  control: async () => (await import('./control.js')).runControlCommand,
  monitor: async () => (await import('./monitor.js')).runMonitor,
  health: async () => (await import('./health.js')).runHealthCommand,
  config: async () => (await import('./config-check.js')).runConfigCommand,
  model: async () => (await import('./model-info.js')).runModelCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    console.log(VERSION);
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    printError(
      new AdelineError(
        'ADELINE_ERR_USAGE',
        `unknown command "${cmd}"; run 'adeline --help' for the list`,
      ),
    );
    return 2;
  }
  const fn = await load();
  return fn(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    printError(err);
    if (process.env.ADELINE_DEBUG === '1' && err instanceof Error) console.error(err.stack);
    process.exitCode =
      err instanceof AdelineError ? (err.code === 'ADELINE_ERR_USAGE' ? 2 : 1) : 70;
    if (!(err instanceof AdelineError))
      console.error(
        `adeline: unexpected error: ${describeError(err)} (set ADELINE_DEBUG=1 for the stack)`,
      );
  },
);

/**
 * `adeline run`: starts the service, shows live progress on a TTY, prints a summary at the end
 * (or on Ctrl-C). Logs are JSON lines on stdout; progress and the summary go to stderr.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { CONFIG_FLAGS, configArgsFromArgv } from '../config/argv.js';
import { AdelineError } from '../domain/errors.js';
import { configureLogger, getLogger, logEvent } from '../telemetry/logger.js';
import { bootedTelemetry } from '../telemetry/runtime.js';
import { formatProgress, formatSummary, summarize } from './run-summary.js';
import { hasHelp } from './output.js';
import { TtyLines } from './tty-lines.js';
import { formatWhereToLook } from './where-to-look.js';
import { liveViewOn } from '../live/live-enabled.js';

const HELP = `Usage: adeline run [options]

Runs the detection service. With no options it uses its embedded defaults: the synthetic scene,
the bundled demo model (models/adeline-demo.onnx) and an embedded MQTT broker on 127.0.0.1:1883.
Health and metrics are served on http://127.0.0.1:8080 (/health, /health/ready, /metrics), and
the live view (each camera with its boxes, stage timings, health) on http://127.0.0.1:8080/live.
Once started, it prints where to look: the live view, /health/detailed, /metrics, the monitor command.

Options:
  --config FILE        YAML config file (else env ADELINE_CONFIG, else defaults)
  --source URL         a source: synthetic:, a file path, rtsp://…, http(s)://… (repeatable)
  --model PATH         ONNX model file (models.local_path)
  --labels FILE        class names, one per line (models.labels_file), e.g. models/coco80.txt
  --max-fps N          frames/s cap per source; 0 = no cap (pipeline.max_fps, default 2)
  --frames N           stop after N frames have been processed, then print the summary
  --set KEY=VALUE      override any config key, e.g. --set roi_strategy.mode=adaptive (repeatable)
  --log-level LEVEL    trace, debug, info, warn, error, fatal, silent (logging.level)
  --no-progress        no live progress line, even on a TTY
  --summary-json FILE  also write the end-of-run summary as JSON to FILE
  -h, --help           this help

Environment: ADELINE_CONFIG, ADELINE_<SECTION>__<KEY>=value, MQTT_USERNAME, MQTT_PASSWORD, OTEL_*.
Signals: SIGTERM/SIGINT stop gracefully within shutdown.grace_period; a second signal forces the exit.
Exit status: 0 after a normal stop, 1 on an error (bad config, model, source), 2 on a usage error.
Config reference: docs/configuration.md`;

export async function runCommand(args: string[]): Promise<number> {
  if (hasHelp(args)) {
    console.log(HELP);
    return 0;
  }
  const own = stripConfigFlags(args);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      options: {
        frames: { type: 'string' },
        'no-progress': { type: 'boolean' },
        'summary-json': { type: 'string' },
      },
      allowPositionals: false,
    });
  } catch (err) {
    throw new AdelineError(
      'ADELINE_ERR_USAGE',
      `${(err as Error).message}; run 'adeline run --help'`,
    );
  }
  const frames = parsed.values.frames === undefined ? undefined : Number(parsed.values.frames);
  if (frames !== undefined && (!Number.isInteger(frames) || frames < 1)) {
    throw new AdelineError(
      'ADELINE_ERR_USAGE',
      `--frames must be a whole number >= 1, got "${parsed.values.frames}"`,
    );
  }
  const configArgs = configArgsFromArgv(args);
  const loaded = loadConfig({ file: configArgs.file, overrides: configArgs.overrides });
  const showProgress =
    !parsed.values['no-progress'] &&
    loaded.config.pipeline.display_statistics &&
    process.stderr.isTTY === true;
  // On a terminal, each (one-line) log record is printed above the progress line, redrawn below.
  const tty = showProgress ? new TtyLines() : undefined;
  const pretty = loaded.config.logging.pretty;
  const prettyOn = pretty === 'always' || (pretty !== 'never' && process.stdout.isTTY === true);
  configureLogger({
    level: loaded.config.logging.level,
    pretty,
    destination: tty && prettyOn ? tty.logStream : undefined,
  });
  const log = getLogger('cli');
  for (const w of loaded.warnings) logEvent(log, 'config_unknown_key', w);

  // Loaded only now, so that --help and usage errors answer without loading the whole service.
  const { AdelineService } = await import('../app/service.js');
  const service = await AdelineService.create(loaded.config, {
    frameLimit: frames,
    failFast: frames !== undefined,
    telemetry: bootedTelemetry(),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await service.start();
    process.stderr.write(
      formatWhereToLook({
        healthHost: loaded.config.health.host,
        healthPort: service.healthPort,
        liveView: liveViewOn(loaded.config),
        brokerUrl: service.endpoints.brokerUrl(),
        configFile: loaded.file,
      }) + '\n',
    );
    if (tty) {
      timer = setInterval(() => tty.progress(formatProgress(service)), 500);
      timer.unref();
    }
    await service.done;
  } finally {
    if (timer) clearInterval(timer);
    tty?.clear();
    await service.stop('exit');
  }
  const summary = summarize(service);
  process.stderr.write(formatSummary(summary) + '\n');
  if (parsed.values['summary-json'])
    writeFileSync(parsed.values['summary-json'], JSON.stringify(summary, null, 2));
  logEvent(log, 'run_summary', 'run finished', {
    frames_processed: summary.frames.processed,
    fps: summary.fps,
  });
  if (service.fatalError) throw service.fatalError;
  return 0;
}

/** Removes the config flags (handled by configArgsFromArgv) so parseArgs sees only run's own. */
function stripConfigFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (CONFIG_FLAGS.includes(flag) || flag === '-c') {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

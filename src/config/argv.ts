/**
 * The command-line flags that change configuration, shared by the CLI and the telemetry
 * bootstrap (which must read the config before the app loads):
 *   --config FILE        config file (else ADELINE_CONFIG)
 *   --set KEY=VALUE      any key path, value parsed as YAML (repeatable)
 *   --source URL         a source (repeatable; replaces pipeline.sources)
 *   --model PATH         models.local_path
 *   --labels FILE        models.labels_file
 *   --max-fps N          pipeline.max_fps
 *   --log-level LEVEL    logging.level
 */
import { parse as parseYaml } from 'yaml';
import { AdelineError } from '../domain/errors.js';

export interface ConfigArgs {
  file: string | undefined;
  overrides: Record<string, unknown>;
}

const FLAG_PATHS: Record<string, string> = {
  '--model': 'models.local_path',
  '--labels': 'models.labels_file',
  '--max-fps': 'pipeline.max_fps',
  '--log-level': 'logging.level',
};

/** Flags that take a value and belong to the config (so other parsers can skip them). */
export const CONFIG_FLAGS = ['--config', '--set', '--source', ...Object.keys(FLAG_PATHS)];

function valueOf(argv: string[], i: number, flag: string): [string, number] {
  const arg = argv[i] as string;
  const eq = arg.indexOf('=');
  if (eq > 0) return [arg.slice(eq + 1), i];
  const next = argv[i + 1];
  if (next === undefined) throw new AdelineError('ADELINE_ERR_USAGE', `${flag} needs a value`);
  return [next, i + 1];
}

export function configArgsFromArgv(argv: string[]): ConfigArgs {
  let file: string | undefined;
  const overrides: Record<string, unknown> = {};
  const sources: Array<{ url: string }> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = arg.includes('=') && arg.startsWith('--') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (flag === '--') break;
    if (flag === '--config' || flag === '-c') {
      [file, i] = valueOf(argv, i, flag);
    } else if (flag === '--set') {
      let kv: string;
      [kv, i] = valueOf(argv, i, flag);
      const eq = kv.indexOf('=');
      if (eq <= 0)
        throw new AdelineError(
          'ADELINE_ERR_USAGE',
          `--set needs KEY=VALUE (e.g. --set pipeline.max_fps=5), got "${kv}"`,
        );
      overrides[kv.slice(0, eq)] = parseYaml(kv.slice(eq + 1)) as unknown;
    } else if (flag === '--source') {
      let url: string;
      [url, i] = valueOf(argv, i, flag);
      sources.push({ url });
    } else if (FLAG_PATHS[flag]) {
      let v: string;
      [v, i] = valueOf(argv, i, flag);
      if (flag === '--max-fps') {
        const fps = v.trim() === '' ? NaN : Number(v);
        if (!Number.isFinite(fps))
          throw new AdelineError(
            'ADELINE_ERR_USAGE',
            `--max-fps needs a number of frames/s (0 = no cap), got "${v}"`,
          );
        overrides[FLAG_PATHS[flag] as string] = fps;
      } else {
        overrides[FLAG_PATHS[flag] as string] = v;
      }
    }
  }
  if (sources.length > 0) overrides['pipeline.sources'] = sources;
  return { file, overrides };
}

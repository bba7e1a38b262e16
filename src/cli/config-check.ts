/** `adeline config check [FILE]`: validate and print the effective config with secrets masked. */
import { stringify } from 'yaml';
import { loadConfig, maskSecrets } from '../config/index.js';
import { CONFIG_FLAGS, configArgsFromArgv } from '../config/argv.js';
import { AdelineError } from '../domain/errors.js';
import { subcommandArgs } from './output.js';

const HELP = `Usage: adeline config check [FILE] [--json] [--set KEY=VALUE ...]

Validates FILE (else --config, else ADELINE_CONFIG, else the defaults) together with ADELINE_*
environment overrides, reports every problem with its key path, warns about unknown keys (naming the
nearest valid key), and prints the effective configuration with secrets masked.
Exit status: 0 valid, 1 invalid, 2 usage error.
Options:
  --json           print JSON instead of YAML
  --set KEY=VALUE  override a key (repeatable), as for 'adeline run'`;

export async function runConfigCommand(args: string[]): Promise<number> {
  const rest = subcommandArgs(args, 'config', 'check', HELP);
  if (typeof rest === 'number') return rest;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    const flag = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (CONFIG_FLAGS.includes(flag) || flag === '-c') {
      if (!a.includes('=')) i++; // skip its value
    } else if (a === '--json') {
      continue;
    } else if (a.startsWith('-')) {
      throw new AdelineError(
        'ADELINE_ERR_USAGE',
        `unknown option ${a}; run 'adeline config check --help'`,
      );
    } else {
      positional.push(a);
    }
  }
  if (positional.length > 1)
    throw new AdelineError(
      'ADELINE_ERR_USAGE',
      `config check takes one FILE, got ${positional.length}: ${positional.join(' ')}`,
    );
  const parsed = configArgsFromArgv(rest);
  const file = positional[0] ?? parsed.file;
  const loaded = loadConfig({ file, overrides: parsed.overrides });
  for (const w of loaded.warnings) console.error(`adeline: warning: ${w}`);
  const masked = maskSecrets(loaded.config);
  console.log(rest.includes('--json') ? JSON.stringify(masked, null, 2) : stringify(masked));
  console.error(
    `adeline: ${loaded.file ?? 'defaults'}: configuration is valid${loaded.warnings.length ? ` (${loaded.warnings.length} warning(s))` : ''}`,
  );
  return 0;
}

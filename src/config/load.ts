/**
 * Loads the configuration once: YAML file → ADELINE_* environment → CLI overrides, validated
 * against the schema with every problem reported together, unknown keys warned about with the
 * nearest valid key, and the result deep-frozen.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigSchema, type AdelineConfig } from './schema.js';
import { describeIssue } from './describe-issue.js';
import { unknownKeyWarnings } from './unknown-keys.js';
import { AdelineError } from '../domain/errors.js';

export interface LoadOptions {
  /** Config file path (--config). Falls back to env ADELINE_CONFIG; none → defaults only. */
  file?: string | undefined;
  /** Environment to read ADELINE_* overrides from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Key-path overrides from CLI flags, applied last: { 'pipeline.max_fps': 5 }. */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: AdelineConfig;
  /** The file actually read, if any. */
  file: string | null;
  /** Non-fatal findings (unknown keys with suggestions, ignored Python keys). */
  warnings: string[];
}

/** One validation problem, with its key path. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const file = opts.file ?? (env.ADELINE_CONFIG ? env.ADELINE_CONFIG : undefined) ?? null;
  const raw: Record<string, unknown> = file ? readYamlFile(file) : {};
  const problems: ConfigProblem[] = [];
  applyEnv(raw, env, problems);
  for (const [path, value] of Object.entries(opts.overrides ?? {})) setPath(raw, path, value);
  const warnings = unknownKeyWarnings(raw, ConfigSchema);
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ path: issue.path.join('.') || '(root)', message: describeIssue(issue) });
    }
  }
  if (problems.length > 0) throw configError(problems, file);
  if (!parsed.success) throw configError(problems, file);
  return { config: deepFreeze(parsed.data), file, warnings };
}

function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    if (statSync(file).isDirectory()) {
      throw new AdelineError(
        'ADELINE_ERR_CONFIG_FILE',
        `config file ${file} is a directory; pass a YAML file`,
      );
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof AdelineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable (permissions)'
          : `cannot be read (${code})`;
    throw new AdelineError(
      'ADELINE_ERR_CONFIG_FILE',
      `config file ${file} ${why}; check the --config path or ADELINE_CONFIG`,
      { cause: err },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const where =
      err instanceof YAMLParseError && err.linePos
        ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}`
        : '';
    const first = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new AdelineError(
      'ADELINE_ERR_CONFIG_FILE',
      `config file ${file} is not valid YAML${where}: ${first}`,
      { cause: err },
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AdelineError(
      'ADELINE_ERR_CONFIG_FILE',
      `config file ${file} must be a YAML mapping of sections (pipeline:, models:, mqtt:, …), not a ${Array.isArray(doc) ? 'list' : typeof doc}`,
    );
  }
  return doc as Record<string, unknown>;
}

/**
 * ADELINE_<SECTION>__<KEY>[__<KEY>…]=value, e.g. ADELINE_PIPELINE__MAX_FPS=5. Values are YAML scalars
 * (numbers, true/false, null, or JSON/YAML lists and maps). MQTT_USERNAME/MQTT_PASSWORD override the
 * broker credentials (as in the Python Adeline).
 */
function applyEnv(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ADELINE_') || value === undefined) continue;
    if (!name.includes('__')) continue; // ADELINE_CONFIG, ADELINE_LOG_LEVEL and other plain variables
    const path = name.slice('ADELINE_'.length).toLowerCase().split('__').join('.');
    try {
      setPath(raw, path, parseYaml(value) as unknown);
    } catch {
      problems.push({
        path,
        message: `environment variable ${name} is not a valid YAML value: ${JSON.stringify(value)}`,
      });
    }
  }
  if (env.MQTT_USERNAME) setPath(raw, 'mqtt.broker.username', env.MQTT_USERNAME);
  if (env.MQTT_PASSWORD) setPath(raw, 'mqtt.broker.password', env.MQTT_PASSWORD);
  if (env.ADELINE_LOG_LEVEL) setPath(raw, 'logging.level', env.ADELINE_LOG_LEVEL);
}

/** Sets a dotted key path in a plain object, creating sections as needed. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1] as string] = value;
}

function configError(problems: ConfigProblem[], file: string | null): AdelineError {
  const where = file ? ` in ${file}` : '';
  const lines = problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n');
  return new AdelineError(
    'ADELINE_ERR_CONFIG',
    `invalid configuration${where} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines}\nFix these keys and run \`adeline config check${file ? ' ' + file : ''}\` again.`,
    { details: { problems } },
  );
}

export function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}

/**
 * Builds the FrameSources of a config: `pipeline.sources[]`, else `pipeline.rtsp_url`, else the
 * synthetic scene. `synthetic:` URLs take the `synthetic` section, overridden by query
 * parameters (`synthetic:?seed=7&fps=10`); files and streams become FfmpegSources.
 */
import type { AdelineConfig, SourceConfig } from '../config/schema.js';
import { AdelineError, describeError } from '../domain/errors.js';
import type { ReconnectPolicy } from '../resilience/types.js';
import { FfmpegSource } from './ffmpeg/ffmpeg-source.js';
import type { FrameSource } from './frame-source.js';
import { SyntheticSource } from './synthetic/synthetic-source.js';
import { classifySourceUrl } from './url.js';

export interface SourceFactoryDeps {
  /** The reconnect policy of a stream: (id) => buildReconnectPolicy(cfg.resilience.source_reconnect, `source_${id}`). */
  reconnectPolicy: (sourceId: number) => ReconnectPolicy;
  /** `adeline run --frames`: a stream that cannot be opened makes start() reject instead of retrying. */
  failFast?: boolean;
  /** Relative file paths resolve against it. Default process.cwd(). */
  cwd?: string;
}

export interface CreatedSource {
  source: FrameSource;
  /** The source's cap: its own max_fps, else pipeline.max_fps. */
  maxFps: number;
}

/** The source list a config describes (never empty). */
export function sourceConfigs(config: AdelineConfig): SourceConfig[] {
  if (config.pipeline.sources.length > 0) return [...config.pipeline.sources];
  return [{ url: config.pipeline.rtsp_url ?? 'synthetic:', loop: false }];
}

const SYNTHETIC_PARAMS: Record<string, 'int' | 'number' | 'boolean'> = {
  seed: 'int',
  fps: 'number',
  width: 'int',
  height: 'int',
  max_figures: 'int',
  fall_probability: 'number',
  live: 'boolean',
};

function syntheticOverrides(
  params: URLSearchParams,
  where: string,
): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [key, raw] of params) {
    const type = SYNTHETIC_PARAMS[key];
    if (!type) {
      const valid = Object.keys(SYNTHETIC_PARAMS).join(', ');
      throw new AdelineError(
        'ADELINE_ERR_CONFIG',
        `${where}: unknown synthetic parameter "${key}"; use ${valid}`,
      );
    }
    if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') {
        throw new AdelineError(
          'ADELINE_ERR_CONFIG',
          `${where}: synthetic parameter ${key}="${raw}" must be true or false`,
        );
      }
      out[key] = raw === 'true';
      continue;
    }
    const v = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(v) || (type === 'int' && !Number.isInteger(v))) {
      const kind = type === 'int' ? 'an integer' : 'a number';
      throw new AdelineError(
        'ADELINE_ERR_CONFIG',
        `${where}: synthetic parameter ${key}="${raw}" must be ${kind}`,
      );
    }
    out[key] = v;
  }
  return out;
}

export function createSource(
  src: SourceConfig,
  index: number,
  config: AdelineConfig,
  deps: SourceFactoryDeps,
): CreatedSource {
  const id = src.id ?? index;
  const where = `pipeline.sources[${index}] (source ${id})`;
  const c = classifySourceUrl(src.url, deps.cwd);
  const maxFps = src.max_fps ?? config.pipeline.max_fps;
  if (c.kind === 'synthetic') {
    const o = { ...config.synthetic, ...syntheticOverrides(c.params, where) };
    try {
      const source = new SyntheticSource({
        id,
        width: o.width as number,
        height: o.height as number,
        fps: o.fps as number,
        seed: o.seed as number,
        maxFigures: o.max_figures as number,
        fallProbability: o.fall_probability as number,
        live: src.live ?? (o.live as boolean),
        stallFactor: config.health.stall_factor,
        stallMinMs: config.health.stall_min_ms,
      });
      return { source, maxFps };
    } catch (err) {
      if (err instanceof TypeError || err instanceof RangeError) {
        throw new AdelineError(
          'ADELINE_ERR_CONFIG',
          `${where} ${c.description}: ${describeError(err)}`,
          { cause: err },
        );
      }
      throw err;
    }
  }
  const source = new FfmpegSource({
    id,
    url: src.url,
    live: src.live,
    loop: src.loop,
    reconnectPolicy: c.kind === 'stream' ? deps.reconnectPolicy(id) : undefined,
    failFast: deps.failFast ?? false,
    stallFactor: config.health.stall_factor,
    stallMinMs: config.health.stall_min_ms,
    decoderThreads: config.pipeline.decoder_threads,
    launcher: config.pipeline.ffmpeg_launcher,
    cwd: deps.cwd,
  });
  return { source, maxFps };
}

/** Every source of the config, with distinct ids (ADELINE_ERR_CONFIG names a duplicate). */
export function createSources(config: AdelineConfig, deps: SourceFactoryDeps): CreatedSource[] {
  const list = sourceConfigs(config);
  const seen = new Map<number, number>();
  list.forEach((s, i) => {
    const id = s.id ?? i;
    const other = seen.get(id);
    if (other !== undefined) {
      throw new AdelineError(
        'ADELINE_ERR_CONFIG',
        `pipeline.sources[${i}].id: source id ${id} is already used by pipeline.sources[${other}]; give each source its own id`,
      );
    }
    seen.set(id, i);
  });
  return list.map((s, i) => createSource(s, i, config, deps));
}

/** Options of FfmpegSource, their defaults and their checks (TypeError / RangeError at the edge). */
import type { ReconnectPolicy } from '../../resilience/types.js';
import { Launcher, launcher as serviceLauncher } from './launcher.js';

export interface FfmpegSourceOptions {
  /** Source id (frame.source_id). */
  id: number;
  /** File path, file: URL, or stream URL (rtsp, rtsps, http, https, rtmp, tcp, udp, srt). */
  url: string;
  /** Default: true for streams, false for files. A live file is read at its native rate (-re). */
  live?: boolean;
  /** Files: restart at end of file. Default false. */
  loop?: boolean;
  /** Required for streams: buildReconnectPolicy(cfg.resilience.source_reconnect, `source_<id>`). */
  reconnectPolicy?: ReconnectPolicy;
  /** Streams: start() waits for the first connection and rejects if it fails (adeline run --frames). */
  failFast?: boolean;
  /** health.stall_factor. Default 5. */
  stallFactor?: number;
  /** health.stall_min_ms. Default 2000. */
  stallMinMs?: number;
  /** Streams: an attempt that gives no frame within this fails, ms. Default 15000. */
  connectTimeoutMs?: number;
  /** Streams: ffmpeg's socket I/O timeout (a silent stream is dropped after it), ms. Default 10000. */
  ioTimeoutMs?: number;
  /** Streams: ffmpeg -analyzeduration, ms. Default 1000. */
  analyzeMs?: number;
  /** Files: ffprobe deadline, ms. Default 10000. */
  probeTimeoutMs?: number;
  /** Default "ffmpeg" (PATH). */
  ffmpegPath?: string;
  /** Default "ffprobe" (PATH). */
  ffprobePath?: string;
  /** RTSP transport. Default tcp. */
  rtspTransport?: 'tcp' | 'udp';
  /** ffmpeg's decoder threads (pipeline.decoder_threads); 0 (default) leaves it to ffmpeg. */
  decoderThreads?: number;
  /**
   * Start ffmpeg through the launcher process (pipeline.ffmpeg_launcher, launcher.ts), so that the
   * service never forks itself while frames flow. true (default): the service's launcher; a
   * Launcher: that one (tests); false: the source spawns ffmpeg itself.
   */
  launcher?: boolean | Launcher;
  /** Relative file paths resolve against it. Default process.cwd(). */
  cwd?: string;
}

export interface ResolvedOptions {
  id: number;
  url: string;
  live: boolean | undefined;
  loop: boolean;
  reconnectPolicy: ReconnectPolicy | undefined;
  failFast: boolean;
  stallFactor: number;
  stallMinMs: number;
  connectTimeoutMs: number;
  ioTimeoutMs: number;
  analyzeMs: number;
  probeTimeoutMs: number;
  ffmpegPath: string;
  ffprobePath: string;
  rtspTransport: 'tcp' | 'udp';
  decoderThreads: number;
  /** null: the source spawns ffmpeg itself. */
  launcher: Launcher | null;
  cwd: string;
}

function num(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || Number.isNaN(v))
    throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (v < min || v > max) throw new RangeError(`${name} must be in ${min}..${max}, got ${v}`);
  return v;
}

function int(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  const n = num(name, v, dflt, min, max);
  if (!Number.isInteger(n)) throw new RangeError(`${name} must be a whole number, got ${n}`);
  return n;
}

function optBool(name: string, v: boolean | undefined): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean')
    throw new TypeError(`${name} must be a boolean, got ${typeof v}`);
  return v;
}

function str(name: string, v: string | undefined, dflt: string): string {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || v === '') throw new TypeError(`${name} must be a non-empty string`);
  return v;
}

export function resolveOptions(o: FfmpegSourceOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null)
    throw new TypeError('FfmpegSource options must be an object');
  if (!Number.isInteger(o.id)) throw new TypeError(`id must be an integer, got ${String(o.id)}`);
  if (o.id < 0 || o.id > 65535) throw new RangeError(`id must be in 0..65535, got ${o.id}`);
  if (typeof o.url !== 'string') throw new TypeError(`url must be a string, got ${typeof o.url}`);
  if (o.reconnectPolicy !== undefined && typeof o.reconnectPolicy?.run !== 'function') {
    throw new TypeError('reconnectPolicy must have a run(attempt, signal) method');
  }
  const transport = o.rtspTransport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'udp') {
    throw new RangeError(`rtspTransport must be tcp or udp, got ${String(transport)}`);
  }
  return {
    id: o.id,
    url: o.url,
    live: optBool('live', o.live),
    loop: optBool('loop', o.loop) ?? false,
    reconnectPolicy: o.reconnectPolicy,
    failFast: optBool('failFast', o.failFast) ?? false,
    stallFactor: num('stallFactor', o.stallFactor, 5, 1, 1000),
    stallMinMs: num('stallMinMs', o.stallMinMs, 2000, 1, 3_600_000),
    connectTimeoutMs: num('connectTimeoutMs', o.connectTimeoutMs, 15_000, 100, 3_600_000),
    ioTimeoutMs: num('ioTimeoutMs', o.ioTimeoutMs, 10_000, 100, 3_600_000),
    analyzeMs: num('analyzeMs', o.analyzeMs, 1000, 0, 60_000),
    probeTimeoutMs: num('probeTimeoutMs', o.probeTimeoutMs, 10_000, 100, 3_600_000),
    ffmpegPath: str('ffmpegPath', o.ffmpegPath, 'ffmpeg'),
    ffprobePath: str('ffprobePath', o.ffprobePath, 'ffprobe'),
    rtspTransport: transport,
    decoderThreads: int('decoderThreads', o.decoderThreads, 0, 0, 64),
    launcher:
      o.launcher instanceof Launcher
        ? o.launcher
        : (optBool('launcher', o.launcher) ?? true)
          ? serviceLauncher
          : null,
    cwd: str('cwd', o.cwd, process.cwd()),
  };
}

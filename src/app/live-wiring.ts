/** Builds the live view from config and wires its readers (app/ owns the wiring). */
import type { AdelineConfig } from '../config/schema.js';
import type { HealthRegistry } from '../health/index.js';
import {
  isLoopbackHost,
  liveViewOn,
  localUrl,
  LiveView,
  resolveLiveAuth,
  sharpJpegEncoder,
  type LiveSourceReading,
} from '../live/index.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import type { CreatedSource } from '../source/create-source.js';
import type { ServicePipeline } from './part-builders.js';

const log = getLogger('live-view');

export interface LiveParts {
  registry: HealthRegistry;
  sources: () => LiveSourceReading[];
  pipelineState: () => string;
}

/** The live view, or undefined when it is off (liveViewOn). */
export function buildLiveView(c: AdelineConfig, parts: LiveParts): LiveView | undefined {
  const lv = c.live_view;
  if (!liveViewOn(c)) return undefined;
  const auth = resolveLiveAuth(lv.auth);
  if (auth.mode === 'none' && !isLoopbackHost(c.health.host))
    logEvent(
      log,
      'live_view_unprotected',
      `the live view is served on ${c.health.host} without auth: anyone who reaches port ${c.health.port} sees the cameras; set live_view.auth.mode (bearer or basic) or live_view.enabled: false`,
      { host: c.health.host },
    );
  return new LiveView({
    maxFps: lv.max_fps,
    jpegQuality: lv.jpeg_quality,
    maxViewers: lv.max_viewers,
    commandsShown: lv.commands_shown,
    auth,
    traceLinkTemplate: c.telemetry.trace_link_template,
    timingsFrames: lv.timings_frames,
    encoder: sharpJpegEncoder,
    readers: {
      sources: parts.sources,
      health: parts.registry,
      pipelineState: parts.pipelineState,
    },
  });
}

/** Logs where the live view is served; returns its stop (app/ adds it to the lifecycle). */
export function startLiveView(live: LiveView, c: AdelineConfig, port: number): () => void {
  logEvent(log, 'live_view_ready', `live view on ${localUrl(c.health.host, port, '/live')}`, {
    url: localUrl(c.health.host, port, '/live'),
    auth: live.authMode,
  });
  return () => live.stop();
}

/** Each source's state, frames and drops, as the live view shows them. */
export function liveSourceReadings(
  sources: readonly CreatedSource[],
  pipeline: ServicePipeline | undefined,
): LiveSourceReading[] {
  return sources.map(({ source }) => {
    const st = pipeline ? pipeline.sourceStatus(source.id) : source.status();
    return {
      id: source.id,
      description: source.description,
      state: st.state,
      delivered: pipeline?.deliveredCount(source.id) ?? 0,
      framesRead: st.framesRead,
      drops: { ...(pipeline?.dropped(source.id) ?? {}) },
    };
  });
}

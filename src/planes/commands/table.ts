/**
 * The control commands (ADELINE-SPEC.md §2 plus set_log_level), one handler each. Every handler
 * resolves with the reply's status and result, or throws an AdelineError that becomes an error
 * reply (ServiceController throws ADELINE_ERR_COMMAND_NOT_APPLICABLE for toggle_crop without
 * adaptive ROI and stabilization_stats without stabilisation).
 */
import type { StabilizationStats } from '../../domain/control.js';
import { AdelineError } from '../../domain/errors.js';
import { normaliseLevel } from '../../telemetry/logger.js';
import { VERSION } from '../../telemetry/version.js';
import { buildMetricsMessage } from '../metrics-message.js';
import { statusOfPipeline } from '../status-message.js';
import { isoUtc } from '../timestamp.js';
import type { CommandContext, CommandHandler, CommandOutcome } from './types.js';

const current = (ctx: CommandContext): CommandOutcome['status'] =>
  statusOfPipeline(ctx.controller.state());

function snakeStats(s: StabilizationStats): Record<string, unknown> {
  return {
    total_detected: s.totalDetected,
    total_confirmed: s.totalConfirmed,
    total_ignored: s.totalIgnored,
    total_removed: s.totalRemoved,
    active_tracks: s.activeTracks,
    tracks_by_class: s.tracksByClass,
    confirm_ratio: s.confirmRatio,
  };
}

export const COMMANDS: Readonly<Record<string, CommandHandler>> = {
  async pause(ctx) {
    await ctx.controller.pause();
    return { status: current(ctx), result: { pipeline_state: ctx.controller.state() } };
  },
  async resume(ctx) {
    await ctx.controller.resume();
    return { status: current(ctx), result: { pipeline_state: ctx.controller.state() } };
  },
  async stop(ctx) {
    await ctx.controller.stop('stop command');
    return { status: 'stopped' };
  },
  async status(ctx) {
    return {
      status: current(ctx),
      result: { pipeline_state: ctx.controller.state(), version: VERSION },
    };
  },
  async metrics(ctx) {
    const msg = buildMetricsMessage(ctx.controller.metrics());
    await ctx.publishMetrics(msg);
    return { status: current(ctx), result: { topic: ctx.metricsTopic, metrics: msg } };
  },
  async health(ctx) {
    const h = await ctx.controller.health();
    // Python double-encoded this report into the `status` string; here it is a JSON object.
    const report = {
      status: h.status,
      timestamp: isoUtc(Date.now()),
      version: VERSION,
      checks: h.checks,
    };
    return { status: current(ctx), result: report };
  },
  async toggle_crop(ctx) {
    const enabled = ctx.controller.toggleCrop();
    return { status: current(ctx), result: { crop_enabled: enabled } };
  },
  async stabilization_stats(ctx) {
    const stats = ctx.controller.stabilizationStats();
    const sources: Record<string, unknown> = {};
    for (const [id, s] of Object.entries(stats)) sources[id] = snakeStats(s);
    return { status: current(ctx), result: { sources } };
  },
  async set_log_level(ctx, cmd) {
    const level = cmd.body.level;
    if (typeof level !== 'string') {
      throw new AdelineError(
        'ADELINE_ERR_COMMAND_INVALID',
        'set_log_level needs a "level" string: trace, debug, info, warn, error, fatal or silent',
      );
    }
    let normal: string;
    try {
      normal = normaliseLevel(level);
    } catch (err) {
      throw new AdelineError('ADELINE_ERR_COMMAND_INVALID', (err as Error).message, { cause: err });
    }
    const previous = ctx.controller.setLogLevel(normal); // the controller logs log_level_changed
    return { status: current(ctx), result: { level: normal, previous } };
  },
};

/** Valid command names, in the order the docs list them. */
export const VALID_COMMANDS: readonly string[] = Object.keys(COMMANDS);

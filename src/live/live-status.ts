/**
 * The `status` event of the live view stream, built once per second while viewers are connected:
 * each source's state, fps and drops by reason, the health summary from the registry, and the
 * last control commands. Everything that could carry a secret (source descriptions, check
 * messages) has URL passwords masked; the page renders every string as text.
 */
import { maskUrlPasswords } from './mask-text.js';
import type { HealthReader } from '../health/index.js';
import type { CommandEntry } from './command-history.js';

export interface LiveSourceReading {
  id: number;
  description: string;
  state: string;
  /** Frames handed to the pipeline so far (the fps is its rate). */
  delivered: number;
  framesRead: number;
  drops: Record<string, number>;
}

export interface LiveStatusReaders {
  sources(): LiveSourceReading[];
  health: Pick<HealthReader, 'overall'>;
  commands(): CommandEntry[];
  /** running, paused, … */
  pipelineState(): string;
}

export interface LiveStatusEvent {
  at_ms: number;
  pipeline: string;
  sources: Array<{
    id: number;
    description: string;
    state: string;
    fps: number | null;
    frames_read: number;
    drops: Record<string, number>;
  }>;
  health: { status: string; checks: Array<{ name: string; status: string; message: string }> };
  commands: CommandEntry[];
  trace_link_template: string | null;
  /** Rows of the stage-timings strip (live_view.timings_frames). */
  timings_frames: number;
}

export class LiveStatusBuilder {
  private previous = new Map<number, { delivered: number; atMs: number }>();

  constructor(
    private readonly readers: LiveStatusReaders,
    private readonly display: { traceLinkTemplate: string | null; timingsFrames: number },
    private readonly now: () => number = Date.now,
  ) {}

  build(): LiveStatusEvent {
    const atMs = this.now();
    const sources = this.readers.sources().map((s) => {
      const prev = this.previous.get(s.id);
      this.previous.set(s.id, { delivered: s.delivered, atMs });
      const dt = prev ? (atMs - prev.atMs) / 1000 : 0;
      const fps =
        prev && dt > 0 ? Math.round(((s.delivered - prev.delivered) / dt) * 10) / 10 : null;
      return {
        id: s.id,
        description: maskUrlPasswords(s.description),
        state: s.state,
        fps,
        frames_read: s.framesRead,
        drops: { ...s.drops },
      };
    });
    const view = this.readers.health.overall();
    return {
      at_ms: atMs,
      pipeline: this.readers.pipelineState(),
      sources,
      health: {
        status: view.status,
        checks: view.checks.map((c) => ({
          name: c.name,
          status: c.status,
          message: maskUrlPasswords(c.message),
        })),
      },
      commands: this.readers.commands(),
      trace_link_template: this.display.traceLinkTemplate,
      timings_frames: this.display.timingsFrames,
    };
  }

  /** Forgets the fps baseline (the last viewer left). */
  reset(): void {
    this.previous = new Map();
  }
}

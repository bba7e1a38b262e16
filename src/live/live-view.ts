/**
 * The live view: the frame tap the pipeline calls (LiveHub), the routes mounted on the health
 * server, and the once-a-second status event, which runs only while viewers are connected.
 */
import type { Context, Middleware } from 'koa';
import { CommandHistory, type ReplyLike } from './command-history.js';
import type { LiveAuth } from './live-auth.js';
import { LiveHub } from './live-hub.js';
import { liveRoutes } from './live-routes.js';
import { LiveStatusBuilder, type LiveStatusReaders } from './live-status.js';
import { SseClient } from './sse-client.js';
import type { JpegEncoder } from './jpeg-encoder.js';

export interface LiveViewOptions {
  maxFps: number;
  jpegQuality: number;
  maxViewers: number;
  commandsShown: number;
  auth: LiveAuth;
  traceLinkTemplate: string | null;
  timingsFrames: number;
  encoder: JpegEncoder;
  /** Everything but the commands, which the view keeps itself (recordReply). */
  readers: Omit<LiveStatusReaders, 'commands'>;
  /** How often the status event is sent, ms. Default 1000. */
  statusIntervalMs?: number;
}

export class LiveView {
  readonly hub: LiveHub;
  private readonly history: CommandHistory;
  private readonly status: LiveStatusBuilder;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: LiveViewOptions) {
    this.hub = new LiveHub({ maxFps: o.maxFps, jpegQuality: o.jpegQuality, encoder: o.encoder });
    this.history = new CommandHistory(o.commandsShown);
    this.status = new LiveStatusBuilder(
      { ...o.readers, commands: () => this.history.list() },
      { traceLinkTemplate: o.traceLinkTemplate, timingsFrames: o.timingsFrames },
    );
  }

  get authMode(): LiveAuth['mode'] {
    return this.o.auth.mode;
  }

  /** Feed every control reply here (the control plane's onReply); bound, so it can be passed. */
  readonly recordReply = (reply: ReplyLike): void => this.history.record(reply);

  middleware(): Middleware {
    return liveRoutes({
      auth: this.o.auth,
      maxViewers: this.o.maxViewers,
      viewers: () => this.hub.viewers(),
      openStream: (ctx) => this.openStream(ctx),
    });
  }

  /** Closes every stream and the status timer. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.stopTimer();
    this.hub.closeAll();
  }

  private openStream(ctx: Context): void {
    if (this.stopped) {
      ctx.status = 503;
      ctx.body = { error: 'shutting_down' };
      return;
    }
    ctx.respond = false;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    const client = new SseClient(ctx.res, (c) => {
      this.hub.removeClient(c);
      if (this.hub.viewers() === 0) this.stopTimer();
    });
    client.send('status', JSON.stringify(this.status.build()));
    this.hub.addClient(client);
    this.timer ??= setInterval(
      () => this.hub.broadcastStatus(JSON.stringify(this.status.build())),
      this.o.statusIntervalMs ?? 1000,
    );
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.status.reset();
  }
}

/**
 * The live view's frame tap and broadcaster. While no viewer is connected, `begin` returns
 * undefined at once: no frame is copied, kept or encoded (adeline_live_view_frames_encoded_total
 * stays put). With viewers, at most `maxFps` frames per source are copied (at the start of the
 * frame, while its pixels are valid) and, after publish, encoded once as JPEG off the event loop
 * and sent to every viewer. A frame that finds the source's encoder busy is skipped, never queued.
 */
import type { Frame } from '../domain/frame.js';
import type { Detection } from '../domain/detection.js';
import type { Roi } from '../domain/roi.js';
import { describeError } from '../domain/errors.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import type { JpegEncoder } from './jpeg-encoder.js';
import { liveDetection, liveTraceId, roundMs, type LiveFrameEvent } from './live-frame.js';
import type { SseClient } from './sse-client.js';

const log = getLogger('live-view');

/** What the pipeline's FrameTapPort asks for (src/pipeline/ports.ts), structurally. */
export interface LiveRecorder {
  stage(stage: string, ms: number): void;
  done(r: {
    detections: readonly Detection[];
    roi: Roi | null;
    traceId: string;
    messageId: number;
  }): void;
}

export interface LiveHubOptions {
  /** live_view.max_fps: frames per second per source, at most. */
  maxFps: number;
  /** live_view.jpeg_quality */
  jpegQuality: number;
  encoder: JpegEncoder;
  /** Monotonic ms; default performance.now. */
  now?: () => number;
}

export class LiveHub {
  private readonly clients = new Set<SseClient>();
  private readonly nextAtMs = new Map<number, number>();
  private readonly encoding = new Set<number>();
  /** The last frame event per source, kept only while someone looks (sent to a new viewer). */
  private readonly latest = new Map<number, string>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastFailureLogMs = -Infinity;
  /** Encoder calls made (tests and bench read it; the metric says the same). */
  encodeCalls = 0;

  constructor(private readonly opts: LiveHubOptions) {
    if (!(opts.maxFps > 0)) throw new RangeError(`maxFps must be > 0, got ${opts.maxFps}`);
    this.intervalMs = 1000 / opts.maxFps;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Exports the counters at 0 for these sources, so "nothing encoded" is visible. */
  initSeries(sourceIds: readonly number[]): void {
    for (const id of sourceIds) addMetric('liveFramesEncoded', 0, { source_id: id });
    for (const reason of ['encoder_busy', 'encode_failed', 'slow_viewer'])
      addMetric('liveFramesSkipped', 0, { reason });
    for (const reason of ['unauthorized', 'bad_auth_header', 'too_many_viewers'])
      addMetric('liveRequestsRejected', 0, { reason });
    setGauge('liveEncodeSeconds', 0);
    setGauge('liveViewers', 0);
  }

  viewers(): number {
    return this.clients.size;
  }

  /** Called by the pipeline for every frame: cheap, and a no-op while nobody looks. */
  begin(frame: Frame): LiveRecorder | undefined {
    if (this.clients.size === 0) return undefined;
    const id = frame.sourceId;
    const t = this.now();
    if (t < (this.nextAtMs.get(id) ?? 0) || this.encoding.has(id)) return undefined;
    this.nextAtMs.set(id, t + this.intervalMs);
    // A copy: the source reuses its buffer as soon as the frame is preprocessed.
    const pixels = Buffer.from(frame.data);
    const stages: Record<string, number> = {};
    const { seq, width, height } = frame;
    return {
      stage: (stage, ms) => void (stages[stage] = roundMs(ms)),
      done: (r) => {
        try {
          this.encode(id, seq, width, height, pixels, stages, r);
        } catch (err) {
          this.encodeFailed(err);
        }
      },
    };
  }

  addClient(c: SseClient): void {
    this.clients.add(c);
    setGauge('liveViewers', this.clients.size);
    for (const ev of this.latest.values()) c.send('frame', ev);
    logEvent(log, 'live_view_viewer', 'viewer connected', { viewers: this.clients.size });
  }

  removeClient(c: SseClient): void {
    if (!this.clients.delete(c)) return;
    setGauge('liveViewers', this.clients.size);
    if (this.clients.size === 0) this.latest.clear(); // keep no frame while nobody looks
    logEvent(log, 'live_view_viewer', 'viewer left', { viewers: this.clients.size });
  }

  /** Sends a small event (status) to every viewer. */
  broadcastStatus(payload: string): void {
    for (const c of this.clients) c.send('status', payload);
  }

  closeAll(): void {
    for (const c of [...this.clients]) c.close();
    this.latest.clear();
  }

  private encode(
    id: number,
    seq: number,
    width: number,
    height: number,
    pixels: Buffer,
    stages: Record<string, number>,
    r: Parameters<LiveRecorder['done']>[0],
  ): void {
    if (this.clients.size === 0) return;
    if (this.encoding.has(id)) {
      addMetric('liveFramesSkipped', 1, { reason: 'encoder_busy' });
      return;
    }
    this.encoding.add(id);
    this.encodeCalls++;
    const t0 = performance.now();
    const meta = {
      source_id: id,
      frame_id: seq,
      message_id: r.messageId,
      trace_id: liveTraceId(r.traceId),
      width,
      height,
      roi: r.roi ? { x1: r.roi.x1, y1: r.roi.y1, x2: r.roi.x2, y2: r.roi.y2 } : null,
      detections: r.detections.map(liveDetection),
      stages,
      published_at_ms: Date.now(),
    };
    this.opts
      .encoder(pixels, width, height, this.opts.jpegQuality)
      .then((jpeg) => {
        setGauge('liveEncodeSeconds', (performance.now() - t0) / 1000);
        addMetric('liveFramesEncoded', 1, { source_id: id });
        if (this.clients.size === 0) return;
        const event: LiveFrameEvent = { ...meta, jpeg: jpeg.toString('base64') };
        const payload = JSON.stringify(event);
        this.latest.set(id, payload);
        for (const c of this.clients)
          if (!c.send('frame', payload))
            addMetric('liveFramesSkipped', 1, { reason: 'slow_viewer' });
      })
      .catch((err: unknown) => {
        addMetric('liveFramesSkipped', 1, { reason: 'encode_failed' });
        this.encodeFailed(err);
      })
      .finally(() => this.encoding.delete(id));
  }

  private encodeFailed(err: unknown): void {
    const t = this.now();
    if (t - this.lastFailureLogMs < 60_000) return;
    this.lastFailureLogMs = t;
    logEvent(log, 'live_view_encode_failed', `live view frame not encoded: ${describeError(err)}`, {
      error: describeError(err),
    });
  }
}

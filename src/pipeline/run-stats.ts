/**
 * In-process run statistics for the `adeline run` progress line and summary and the `metrics`
 * command. Bounded: latency samples live in fixed-size rings.
 */
import { STAGES, type Stage } from '../telemetry/schema.js';

class Ring {
  private readonly buf: Float64Array;
  private n = 0;
  constructor(size: number) {
    this.buf = new Float64Array(size);
  }
  push(v: number): void {
    this.buf[this.n % this.buf.length] = v;
    this.n++;
  }
  values(): number[] {
    return Array.from(this.buf.subarray(0, Math.min(this.n, this.buf.length)));
  }
}

/** A detection at or above this confidence is pinned at 1. */
export const SATURATED_SCORE = 0.99;
/** A frame is saturated when at least this share of its detections is pinned. */
export const SATURATED_SHARE = 0.9;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

interface SourceEwma {
  decodeMs: number;
  inferenceMs: number;
  e2eMs: number;
}

export class RunStats {
  readonly startedAtMs = Date.now();
  processed = 0;
  failed = 0;
  detectionsByClass = new Map<string, number>();
  /**
   * Model output (health check model_output): frames decoded; frames in a row with no detection;
   * frames in a row whose scores are pinned at 1 (saturated: at least 90 % of the frame's
   * detections at confidence >= 0.99, the mark of an input out of the model's range).
   */
  readonly modelOutput = {
    frames: 0,
    framesSinceDetection: 0,
    saturatedFrames: 0,
    lastFrameAtMs: null as number | null,
  };
  private readonly stages = new Map<Stage | 'e2e', Ring>();
  private readonly perSource = new Map<number, SourceEwma>();
  private readonly recent: number[] = [];

  constructor(ringSize = 20_000) {
    for (const s of [...STAGES, 'e2e' as const]) this.stages.set(s, new Ring(ringSize));
  }

  stage(stage: Stage | 'e2e', ms: number): void {
    this.stages.get(stage)?.push(ms);
  }

  frameDone(
    sourceId: number,
    decodeMs: number,
    inferenceMs: number,
    e2eMs: number,
    classes: readonly string[],
  ): void {
    this.processed++;
    const now = Date.now();
    this.recent.push(now);
    while (this.recent.length > 0 && now - (this.recent[0] as number) > 5000) this.recent.shift();
    for (const c of classes)
      this.detectionsByClass.set(c, (this.detectionsByClass.get(c) ?? 0) + 1);
    const prev = this.perSource.get(sourceId);
    const a = 0.2;
    this.perSource.set(
      sourceId,
      prev
        ? {
            decodeMs: prev.decodeMs + a * (decodeMs - prev.decodeMs),
            inferenceMs: prev.inferenceMs + a * (inferenceMs - prev.inferenceMs),
            e2eMs: prev.e2eMs + a * (e2eMs - prev.e2eMs),
          }
        : { decodeMs, inferenceMs, e2eMs },
    );
  }

  /** The model's decoded detections (above its threshold, before stabilisation) for one frame. */
  decoded(detections: readonly { confidence: number }[]): void {
    const m = this.modelOutput;
    m.frames++;
    m.framesSinceDetection = detections.length > 0 ? 0 : m.framesSinceDetection + 1;
    let pinned = 0;
    for (const d of detections) if (d.confidence >= SATURATED_SCORE) pinned++;
    const saturated = detections.length > 0 && pinned >= SATURATED_SHARE * detections.length;
    m.saturatedFrames = saturated ? m.saturatedFrames + 1 : 0;
    m.lastFrameAtMs = Date.now();
  }

  /** Frames/s over the last 5 s (or since start). */
  fps(): number {
    if (this.recent.length < 2) return this.recent.length;
    const span =
      ((this.recent[this.recent.length - 1] as number) - (this.recent[0] as number)) / 1000;
    return span > 0 ? (this.recent.length - 1) / span : 0;
  }

  overallFps(): number {
    const s = (Date.now() - this.startedAtMs) / 1000;
    return s > 0 ? this.processed / s : 0;
  }

  latency(stage: Stage | 'e2e'): LatencySummary {
    const v = (this.stages.get(stage)?.values() ?? []).sort((x, y) => x - y);
    return {
      p50: percentile(v, 50),
      p95: percentile(v, 95),
      p99: percentile(v, 99),
      count: v.length,
    };
  }

  sourceLatencies(): Array<{ sourceId: number } & SourceEwma> {
    return [...this.perSource.entries()].map(([sourceId, e]) => ({ sourceId, ...e }));
  }
}

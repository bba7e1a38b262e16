/** The metrics message (ADELINE-SPEC.md §2), with latencies in real milliseconds. */
import type { MetricsSnapshot } from '../domain/control.js';
import { isoUtc } from './timestamp.js';

export interface MetricsMessage {
  timestamp: string;
  throughput_fps: number;
  latency_reports: Array<{
    source_id: number;
    frame_decoding_latency_ms: number;
    inference_latency_ms: number;
    e2e_latency_ms: number;
  }>;
  sources_count: number;
}

/** Non-finite numbers (NaN before the first frame) are published as 0, never as null. */
const num = (v: number): number => (Number.isFinite(v) ? v : 0);

export function buildMetricsMessage(
  s: MetricsSnapshot,
  nowMs: number = Date.now(),
): MetricsMessage {
  return {
    timestamp: isoUtc(nowMs),
    throughput_fps: num(s.throughputFps),
    latency_reports: s.latencyReports.map((l) => ({
      source_id: l.sourceId,
      frame_decoding_latency_ms: num(l.frameDecodingLatencyMs),
      inference_latency_ms: num(l.inferenceLatencyMs),
      e2e_latency_ms: num(l.e2eLatencyMs),
    })),
    sources_count: s.sourcesCount,
  };
}

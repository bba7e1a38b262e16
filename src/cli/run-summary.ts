/** The progress line and end-of-run summary of `adeline run`. */
import { STAGES } from '../telemetry/schema.js';
import type { AdelineService } from '../app/service.js';
import { table } from './output.js';

export interface RunSummary {
  durationS: number;
  fps: number;
  frames: { read: number; processed: number; failed: number; dropped: Record<string, number> };
  latencyMs: Record<string, { p50: number; p95: number; p99: number }>;
  detectionsByClass: Record<string, number>;
  sources: Array<{ id: number; description: string; state: string; framesRead: number }>;
}

export function summarize(service: AdelineService): RunSummary {
  const stats = service.stats;
  const sources = service.sourceStatuses();
  const latencyMs: RunSummary['latencyMs'] = {};
  for (const s of [...STAGES, 'e2e' as const]) {
    const l = stats.latency(s);
    latencyMs[s] = { p50: round(l.p50), p95: round(l.p95), p99: round(l.p99) };
  }
  return {
    durationS: round((Date.now() - stats.startedAtMs) / 1000),
    fps: round(stats.overallFps()),
    frames: {
      read: sources.reduce((n, s) => n + s.framesRead, 0),
      processed: stats.processed,
      failed: stats.failed,
      dropped: service.droppedByReason(),
    },
    latencyMs,
    detectionsByClass: Object.fromEntries([...stats.detectionsByClass.entries()].sort()),
    sources,
  };
}

const round = (v: number) => Math.round(v * 100) / 100;

export function formatProgress(service: AdelineService): string {
  const s = service.stats;
  const dropped = Object.values(service.droppedByReason()).reduce((a, b) => a + b, 0);
  const classes = [...s.detectionsByClass.entries()].map(([c, n]) => `${c} ${n}`).join(', ');
  return `frames ${s.processed}  ${s.fps().toFixed(1)} fps  dropped ${dropped}  detections: ${classes || 'none'}`;
}

export function formatSummary(r: RunSummary): string {
  const lines: string[] = [];
  lines.push('', `Adeline run summary (${r.durationS} s)`);
  const dropped = Object.entries(r.frames.dropped)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  lines.push(
    `  frames read ${r.frames.read}, processed ${r.frames.processed}, failed ${r.frames.failed}, dropped ${dropped || 'none'}`,
  );
  lines.push(`  throughput ${r.fps} fps`, '');
  const rows = Object.entries(r.latencyMs).map(([stage, l]) => [
    stage,
    l.p50.toFixed(2),
    l.p95.toFixed(2),
    l.p99.toFixed(2),
  ]);
  lines.push(table(rows, ['stage', 'p50 ms', 'p95 ms', 'p99 ms']).replace(/^/gm, '  '), '');
  const det = Object.entries(r.detectionsByClass).map(([c, n]) => [c, n]);
  lines.push(
    det.length ? table(det, ['class', 'detections']).replace(/^/gm, '  ') : '  no detections',
  );
  lines.push(
    '',
    table(
      r.sources.map((s) => [s.id, s.state, s.framesRead, s.description]),
      ['source', 'state', 'frames read', 'url'],
    ).replace(/^/gm, '  '),
  );
  return lines.join('\n');
}

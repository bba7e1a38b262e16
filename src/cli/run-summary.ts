/** The progress line and end-of-run summary of `adeline run`. */
import { STAGES } from '../telemetry/schema.js';
import type { AdelineService } from '../app/service.js';
import { table } from './output.js';

export interface RunSummary {
  durationS: number;
  fps: number;
  frames: {
    /** Frames the sources read (decoded), before drops. */
    read: number;
    processed: number;
    failed: number;
    /** By reason; `error` includes the failed frames. */
    dropped: Record<string, number>;
    /**
     * Read but neither processed nor dropped when the run stopped: the frame a file source had
     * decoded ahead of the pipeline (`--frames N` stops with one), or a live frame not yet taken.
     * read = processed + Σ dropped + unprocessed.
     */
    unprocessed: number;
  };
  latencyMs: Record<string, { p50: number; p95: number; p99: number }>;
  detectionsByClass: Record<string, number>;
  /** Set when frames were processed and none gave a detection, or the scores were pinned at 1: what to check. */
  noDetectionsHint?: string;
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
  const read = sources.reduce((n, s) => n + s.framesRead, 0);
  const dropped = service.droppedByReason();
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
  const summary: RunSummary = {
    durationS: round((Date.now() - stats.startedAtMs) / 1000),
    fps: round(stats.overallFps()),
    frames: {
      read,
      processed: stats.processed,
      failed: stats.failed,
      dropped,
      unprocessed: Math.max(0, read - stats.processed - droppedTotal),
    },
    latencyMs,
    detectionsByClass: Object.fromEntries([...stats.detectionsByClass.entries()].sort()),
    sources,
  };
  const m = stats.modelOutput;
  if (stats.processed > 0 && stats.detectionsByClass.size === 0)
    summary.noDetectionsHint = noDetectionsHint(stats.processed, service.config.models.confidence);
  else if (m.frames > 0 && m.saturatedFrames >= Math.min(m.frames, 10))
    summary.noDetectionsHint = saturatedHint(m.saturatedFrames);
  return summary;
}

/** Scores pinned at 1 on every recent frame: the input is out of the model's range. */
export function saturatedHint(frames: number): string {
  return (
    `the detection scores were pinned at 1 in the last ${frames} frames: the input is likely out of ` +
    'the range the model expects; check models.preprocess (scale 1/255 or 1, mean/std, channel ' +
    "order; 'adeline model info MODEL --probe --image FRAME' prints the best score of each class)"
  );
}

/** Why a model may see nothing, and how to find out (docs/health.md, model_output). */
export function noDetectionsHint(frames: number, confidence: number): string {
  return (
    `the model found nothing above models.confidence ${confidence} in ${frames} frames. ` +
    'If the video shows objects, check the preprocessing (models.preprocess: channel order, scale; ' +
    "'adeline model info MODEL --probe --image FRAME' prints the best score of each class before the threshold), " +
    'the threshold (models.confidence) and the class names (--labels / models.labels_file)'
  );
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
  const ahead =
    r.frames.unprocessed > 0 ? `, left unprocessed at stop ${r.frames.unprocessed}` : '';
  lines.push(
    `  frames read ${r.frames.read}, processed ${r.frames.processed}, failed ${r.frames.failed}, dropped ${dropped || 'none'}${ahead}`,
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
  if (r.noDetectionsHint) lines.push(`  warning: ${r.noDetectionsHint}`);
  lines.push(
    '',
    table(
      r.sources.map((s) => [s.id, s.state, s.framesRead, s.description]),
      ['source', 'state', 'frames read', 'url'],
    ).replace(/^/gm, '  '),
  );
  return lines.join('\n');
}

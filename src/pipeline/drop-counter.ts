/**
 * Counts dropped frames per source and reason: adeline_frames_dropped_total{source_id,reason}
 * and a `frames_dropped` warning logged once per source and reason (STYLE.md 12).
 */
import { addMetric } from '../telemetry/metrics.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { DROP_REASON_MEANINGS, DROP_REASONS, type DropReason } from '../telemetry/schema.js';

export type { DropReason } from '../telemetry/schema.js';

const log = getLogger('scheduler');

/** Drops that follow from the configuration or a request (logged at info, not as a warning). */
const EXPECTED_DROPS: ReadonlySet<DropReason> = new Set<DropReason>([
  'max_fps',
  'paused',
  'shutdown',
]);

export type DropCounts = Record<DropReason, number>;

export function emptyDropCounts(): DropCounts {
  return Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as DropCounts;
}

export class DropCounter {
  private readonly counts = new Map<number, DropCounts>();
  private readonly labels = new Map<string, { source_id: number; reason: DropReason }>();
  private readonly logged = new Set<string>();

  count(sourceId: number, reason: DropReason, n = 1): void {
    let c = this.counts.get(sourceId);
    if (!c) {
      c = emptyDropCounts();
      this.counts.set(sourceId, c);
    }
    c[reason] += n;
    const key = `${sourceId}/${reason}`;
    let labels = this.labels.get(key);
    if (!labels) {
      labels = { source_id: sourceId, reason };
      this.labels.set(key, labels);
    }
    addMetric('framesDropped', n, labels);
    if (!this.logged.has(key)) {
      this.logged.add(key);
      logEvent(
        log,
        EXPECTED_DROPS.has(reason) ? 'frames_skipped' : 'frames_dropped',
        `source ${sourceId} is dropping frames (${reason}): ${DROP_REASON_MEANINGS[reason]}`,
        {
          source_id: sourceId,
          reason,
        },
      );
    }
  }

  /** Drops of one source by reason (zeros when none). */
  of(sourceId: number): DropCounts {
    return { ...(this.counts.get(sourceId) ?? emptyDropCounts()) };
  }

  /** Drops of all sources by reason. */
  total(): DropCounts {
    const t = emptyDropCounts();
    for (const c of this.counts.values()) for (const r of DROP_REASONS) t[r] += c[r];
    return t;
  }
}

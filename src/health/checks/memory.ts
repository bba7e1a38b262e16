/**
 * Heap use (readiness, optional): used heap over the V8 heap limit above `degradedRatio` is
 * degraded, above `unhealthyRatio` unhealthy (the process is close to an out-of-memory crash).
 */
import { getHeapStatistics } from 'node:v8';
import type { HealthStatus } from '../../domain/health.js';
import { requirePositive } from '../validate.js';
import { CheckBase } from './check-base.js';
import type { CheckOutcome } from './types.js';

export interface HeapSample {
  usedBytes: number;
  limitBytes: number;
  rssBytes: number;
}

export interface MemoryCheckOptions {
  /** health.check_interval_ms. */
  intervalMs: number;
  /** Default 0.85. */
  degradedRatio?: number;
  /** Default 0.95. */
  unhealthyRatio?: number;
  /** Default memory. */
  name?: string;
  /** For tests: where the numbers come from. Default V8 heap statistics and process RSS. */
  sample?: () => HeapSample;
}

const MiB = 1024 * 1024;

function processSample(): HeapSample {
  const h = getHeapStatistics();
  return {
    usedBytes: h.used_heap_size,
    limitBytes: h.heap_size_limit,
    rssBytes: process.memoryUsage.rss(),
  };
}

export class MemoryCheck extends CheckBase {
  private readonly degradedRatio: number;
  private readonly unhealthyRatio: number;
  private readonly sample: () => HeapSample;

  constructor(opts: MemoryCheckOptions) {
    super(opts, { name: 'memory' });
    this.degradedRatio = requirePositive('degradedRatio', opts.degradedRatio ?? 0.85);
    this.unhealthyRatio = requirePositive('unhealthyRatio', opts.unhealthyRatio ?? 0.95);
    if (this.unhealthyRatio > 1 || this.degradedRatio > this.unhealthyRatio) {
      throw new RangeError(
        `need 0 < degradedRatio (${this.degradedRatio}) <= unhealthyRatio (${this.unhealthyRatio}) <= 1`,
      );
    }
    this.sample = opts.sample ?? processSample;
  }

  run(): Promise<CheckOutcome> {
    const s = this.sample();
    const ratio = s.limitBytes > 0 ? s.usedBytes / s.limitBytes : 0;
    let status: HealthStatus = 'healthy';
    if (ratio > this.unhealthyRatio) status = 'unhealthy';
    else if (ratio > this.degradedRatio) status = 'degraded';
    const pct = (ratio * 100).toFixed(1);
    const message = `heap ${(s.usedBytes / MiB).toFixed(0)} MiB of ${(s.limitBytes / MiB).toFixed(0)} MiB (${pct}%)`;
    const details = {
      heap_used_bytes: s.usedBytes,
      heap_limit_bytes: s.limitBytes,
      rss_bytes: s.rssBytes,
      heap_ratio: Math.round(ratio * 1000) / 1000,
      degraded_ratio: this.degradedRatio,
      unhealthy_ratio: this.unhealthyRatio,
    };
    return Promise.resolve({ status, message, details });
  }
}

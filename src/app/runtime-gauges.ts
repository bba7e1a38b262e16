/** Process gauges sampled on a timer: memory by type and the build info. */
import { basename } from 'node:path';
import { setGauge } from '../telemetry/metrics.js';
import { VERSION } from '../telemetry/version.js';

export function startRuntimeGauges(modelPath: string, intervalMs = 5000): () => void {
  setGauge('buildInfo', 1, { version: VERSION, model: basename(modelPath) });
  const sample = () => {
    const m = process.memoryUsage();
    setGauge('memoryUsage', m.rss, { type: 'rss' });
    setGauge('memoryUsage', m.heapUsed, { type: 'heap_used' });
    setGauge('memoryUsage', m.heapTotal, { type: 'heap_total' });
    setGauge('memoryUsage', m.external, { type: 'external' });
    setGauge('memoryUsage', m.arrayBuffers, { type: 'array_buffers' });
  };
  sample();
  const t = setInterval(sample, intervalMs);
  t.unref();
  return () => clearInterval(t);
}

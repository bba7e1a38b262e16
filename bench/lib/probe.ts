/**
 * Probes an HTTP endpoint like a kubelet does: a new connection per probe, a fixed cadence, the
 * time until the whole response has arrived.
 */
import { get } from 'node:http';
import { nowMs, sleep } from './clock.js';

export interface ProbeSamples {
  ms: number[];
  statuses: Record<string, number>;
  errors: number;
}

function probeOnce(port: number, path: string): Promise<{ ms: number; status: number }> {
  const t0 = nowMs();
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: nowMs() - t0, status: res.statusCode ?? 0 }));
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out after 5 s')));
    req.on('error', reject);
  });
}

/** Probes every intervalMs until the returned stop() is called; stop() resolves the samples. */
export function startProbing(
  port: number,
  path: string,
  intervalMs: number,
): () => Promise<ProbeSamples> {
  const out: ProbeSamples = { ms: [], statuses: {}, errors: 0 };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = nowMs();
      try {
        const r = await probeOnce(port, path);
        out.ms.push(r.ms);
        out.statuses[r.status] = (out.statuses[r.status] ?? 0) + 1;
      } catch {
        out.errors++;
      }
      await sleep(Math.max(0, intervalMs - (nowMs() - t0)));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return out;
  };
}

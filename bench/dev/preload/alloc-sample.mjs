/**
 * Development preload for the service (not part of the suite): samples what the main thread
 * allocates, objects collected since included, and writes the profile for bench/dev/alloc-top.mjs.
 *
 *   CHILD_NODE_OPTIONS="--import $PWD/bench/dev/preload/alloc-sample.mjs" \
 *     node --import tsx bench/dev/realvideo-ab.ts street/yolo11n-320 1
 *   node bench/dev/alloc-top.mjs /tmp/adeline-alloc.json 60
 *
 * Sampling starts ALLOC_AFTER_MS after start (default 5000: past start-up and warm-up) and lasts
 * ALLOC_FOR_MS (default 6000), one sample per 16 KiB allocated. File: $ALLOC_OUT, default
 * /tmp/adeline-alloc.json, as { ms, profile } (a DevTools sampling heap profile).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { setTimeout } from 'node:timers';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const after = Number(process.env.ALLOC_AFTER_MS ?? 5000);
  const span = Number(process.env.ALLOC_FOR_MS ?? 6000);
  const out = process.env.ALLOC_OUT ?? '/tmp/adeline-alloc.json';
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  setTimeout(async () => {
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const t0 = Date.now();
    setTimeout(async () => {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(out, JSON.stringify({ ms: Date.now() - t0, profile }));
    }, span).unref();
  }, after).unref();
}

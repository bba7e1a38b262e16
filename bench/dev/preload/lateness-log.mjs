/**
 * Development preload for the service (not part of the suite): logs what may delay the main
 * thread, to a file, so that event-loop spikes can be matched with their causes.
 *
 *   CHILD_NODE_OPTIONS="--import $PWD/bench/dev/preload/lateness-log.mjs" \
 *     node --import tsx bench/dev/realvideo-ab.ts people/yolo11n-320 1
 *
 * Lines (milliseconds since start): `LATE n` when a 5 ms timer fired more than 8 ms late, `gc kind=k
 * n` for collections over 2 ms, `spawn bin n` for each synchronous child_process.spawn. File:
 * $LATENESS_LOG, default /tmp/adeline-lateness.log (appended to).
 *
 * WORKER_SCHED=batch|idle|nice19 also moves every thread named WorkerThread (the inference worker,
 * and ONNX Runtime's pool threads created after it) to that policy once it appears, with chrt or
 * os.setPriority: the experiments of docs/benchmarks.md ("The recorded run, and the event-loop
 * bar"). models.inference_priority is the supported way to get `idle`.
 */
import childProcess, { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { setPriority } from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { setInterval } from 'node:timers';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const out = process.env.LATENESS_LOG ?? '/tmp/adeline-lateness.log';
  const t0 = performance.now();
  const log = (s) => appendFileSync(out, `${(performance.now() - t0).toFixed(1)} ${s}\n`);
  log(`start pid ${process.pid}`);

  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - 5;
    if (late > 8) log(`LATE ${late.toFixed(1)}`);
    last = now;
  }, 5).unref();

  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.duration > 2) log(`gc kind=${e.detail?.kind} ${e.duration.toFixed(1)}`);
  }).observe({ entryTypes: ['gc'] });

  const spawn = childProcess.spawn;
  childProcess.spawn = function (...args) {
    const s = performance.now();
    const child = spawn.apply(this, args);
    log(`spawn ${String(args[0])} ${(performance.now() - s).toFixed(1)}`);
    return child;
  };
  syncBuiltinESMExports();

  const policy = process.env.WORKER_SCHED;
  if (policy) {
    const done = new Set();
    const apply = (tid) => {
      if (policy === 'nice19') setPriority(tid, 19);
      else
        execFileSync('chrt', [
          policy === 'batch' ? '--batch' : '--idle',
          '--pid',
          '0',
          String(tid),
        ]);
    };
    setInterval(() => {
      for (const t of readdirSync('/proc/self/task')) {
        if (done.has(t)) continue;
        try {
          if (readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() !== 'WorkerThread') continue;
          apply(Number(t));
          done.add(t);
          log(`thread ${t} -> ${policy}`);
        } catch (err) {
          log(`thread ${t}: ${String(err)}`);
          done.add(t);
        }
      }
    }, 300).unref();
  }
}

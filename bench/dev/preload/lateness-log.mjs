/**
 * Development preload for the service (not part of the suite): logs what may delay the main
 * thread, to a file, so that event-loop spikes can be matched with their causes.
 *
 *   CHILD_NODE_OPTIONS="--import $PWD/bench/dev/preload/lateness-log.mjs" \
 *     node --import tsx bench/dev/realvideo-ab.ts people/yolo11n-320 1
 *
 * Lines (milliseconds since start): `LATE n run r wait w slices s` when a 5 ms timer fired more
 * than 8 ms late, with the main thread's time on a CPU (r) and runnable but waiting for one (w)
 * over that tick, from /proc/<pid>/task/<pid>/schedstat; `gc kind=k n` for collections over 2 ms;
 * `spawn bin n` for each synchronous child_process.spawn; `launch ffmpeg n` for each ffmpeg start
 * sent to the ffmpeg launcher (the time send() took). File: $LATENESS_LOG, default
 * /tmp/adeline-lateness.log (appended to). LATE_TIMER=0 leaves the 5 ms timer out (to measure a
 * setting below without the timer's own cost).
 *
 * Scheduling experiments of docs/benchmarks.md ("The recorded run, and the event-loop bar" and
 * "Where the event loop waits"); none of them is a setting of the service:
 * - WORKER_SCHED=batch|idle|niceN moves every thread named WorkerThread (the inference worker,
 *   and ONNX Runtime's pool threads created after it) to that policy once it appears, with chrt
 *   or os.setPriority. models.inference_priority is the supported way to get `idle`.
 * - FFMPEG_SCHED=idle|niceN starts ffmpeg under `chrt --idle 0` or `nice -n N`. Only ffmpeg that
 *   the service spawns itself: add `--variant pipeline.ffmpeg_launcher=false` (the launcher runs
 *   without this preload).
 * - AFFINITY=split pins the main thread (and what it starts later: ffmpeg) to CPU 0 and the
 *   inference worker to CPU 1, with taskset.
 * - MAIN_NICE=n sets the main thread's nice value (threads created later get 0 back; the ffmpeg
 *   launcher, forked later, and its ffmpeg keep n: use it with pipeline.ffmpeg_launcher=false and
 *   FFMPEG_SCHED=nice-n, as in docs/benchmarks.md).
 * - MAIN_SLICE_US=n gives the main thread an EEVDF slice of n µs (sched_setattr through perl's
 *   syscall, Linux 6.12+), and the threads created later their default back.
 */
import childProcess, { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { setPriority } from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { setInterval, setTimeout } from 'node:timers';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const out = process.env.LATENESS_LOG ?? '/tmp/adeline-lateness.log';
  const t0 = performance.now();
  const log = (s) => appendFileSync(out, `${(performance.now() - t0).toFixed(1)} ${s}\n`);
  log(`start pid ${process.pid}`);

  /**
   * Calls `apply(tid)` once for each thread of this process that appears (and, with `name`, is
   * named so), checking every `ms`; an error is logged and the thread is not tried again.
   */
  const eachNewThread = (name, ms, apply, seen = new Set()) =>
    setInterval(() => {
      for (const t of readdirSync('/proc/self/task')) {
        if (seen.has(t)) continue;
        try {
          if (name && readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() !== name) continue;
          seen.add(t);
          apply(t);
        } catch (err) {
          seen.add(t);
          log(`thread ${t}: ${String(err)}`);
        }
      }
    }, ms).unref();

  // schedstat: ns on a CPU, ns runnable but waiting for one, slices. Their deltas over a late
  // tick tell the main thread's own work (run) from the wait for a core (wait).
  const schedstat = () =>
    readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
  // WHO=1: also the CPU time every other thread on the machine got during a late tick. The
  // threads are listed every 500 ms and all of them read at every tick, which adds to the main
  // thread's work: use it to see who ran, and take maxima from runs without it.
  let who = null;
  if (process.env.WHO === '1') {
    let threads = [];
    const prev = new Map();
    const list = () => {
      const out = [];
      for (const p of readdirSync('/proc')) {
        if (!/^\d+$/.test(p)) continue;
        try {
          for (const t of readdirSync(`/proc/${p}/task`)) {
            if (t === String(process.pid)) continue;
            const comm = readFileSync(`/proc/${p}/task/${t}/comm`, 'utf8').trim();
            out.push({ path: `/proc/${p}/task/${t}/schedstat`, name: `${comm}/${t}` });
          }
        } catch {
          /* gone */
        }
      }
      threads = out;
    };
    list();
    setInterval(list, 500).unref();
    who = () => {
      const ran = [];
      for (const t of threads) {
        let v;
        try {
          v = Number(readFileSync(t.path, 'utf8').split(' ')[0]);
        } catch {
          continue;
        }
        const before = prev.get(t.path);
        prev.set(t.path, v);
        if (before !== undefined && v - before > 1e6) ran.push([t.name, (v - before) / 1e6]);
      }
      ran.sort((a, b) => b[1] - a[1]);
      return ran.length ? ' | ' + ran.map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ') : '';
    };
  }
  let last = performance.now();
  let lastStat = schedstat();
  if (process.env.LATE_TIMER !== '0')
    setInterval(() => {
      const now = performance.now();
      const stat = schedstat();
      const late = now - last - 5;
      const others = who ? who() : '';
      if (late > 8) {
        const run = ((stat[0] - lastStat[0]) / 1e6).toFixed(1);
        const wait = ((stat[1] - lastStat[1]) / 1e6).toFixed(1);
        log(
          `LATE ${late.toFixed(1)} run ${run} wait ${wait} slices ${stat[2] - lastStat[2]}${others}`,
        );
      }
      last = now;
      lastStat = stat;
    }, 5).unref();

  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.duration > 2) log(`gc kind=${e.detail?.kind} ${e.duration.toFixed(1)}`);
  }).observe({ entryTypes: ['gc'] });

  const spawn = childProcess.spawn;
  const ffmpegSched = process.env.FFMPEG_SCHED;
  // The command ffmpeg is started under: chrt --idle 0, or nice -n N.
  const ffmpegPrefix =
    ffmpegSched === 'idle'
      ? ['chrt', '--idle', '0']
      : ffmpegSched?.startsWith('nice')
        ? ['nice', '-n', ffmpegSched.slice(4)]
        : null;
  childProcess.spawn = function (...args) {
    const s = performance.now();
    if (ffmpegPrefix && String(args[0]).endsWith('ffmpeg')) {
      const [cmd, ...pre] = ffmpegPrefix;
      args = [cmd, [...pre, String(args[0]), ...args[1]], ...args.slice(2)];
    }
    const child = spawn.apply(this, args);
    log(`spawn ${String(args[0])} ${(performance.now() - s).toFixed(1)}`);
    return child;
  };
  // The ffmpeg launcher (src/source/ffmpeg/launcher.ts) is forked: log each message sent to it
  // with a handle (one per ffmpeg start) and how long send() took.
  const fork = childProcess.fork;
  childProcess.fork = function (...args) {
    const child = fork.apply(this, args);
    const send = child.send;
    child.send = function (msg, handle, ...rest) {
      const s = performance.now();
      const r = send.call(this, msg, handle, ...rest);
      if (handle)
        log(
          `launch ${msg?.args?.includes('image2pipe') ? 'ffmpeg' : '?'} ${(performance.now() - s).toFixed(1)}`,
        );
      return r;
    };
    return child;
  };
  syncBuiltinESMExports();

  const policy = process.env.WORKER_SCHED;
  if (policy)
    eachNewThread('WorkerThread', 300, (t) => {
      if (policy.startsWith('nice')) setPriority(Number(t), Number(policy.slice(4)));
      else execFileSync('chrt', [policy === 'batch' ? '--batch' : '--idle', '--pid', '0', t]);
      log(`thread ${t} -> ${policy}`);
    });

  if (process.env.AFFINITY === 'split') {
    // The main thread (and what it starts later: ffmpeg, the worker) on CPU 0; the inference
    // worker, once it appears, on CPU 1, which its ONNX Runtime pool threads then inherit.
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    log('main -> cpu 0');
    eachNewThread('WorkerThread', 50, (t) => {
      execFileSync('taskset', ['-p', '-c', '1', t], { stdio: 'ignore' });
      log(`thread ${t} -> cpu 1`);
    });
  }

  const mainNice = process.env.MAIN_NICE;
  if (mainNice) {
    // The main thread alone at nice MAIN_NICE (negative needs CAP_SYS_NICE or RLIMIT_NICE).
    // Threads created later inherit it; each gets nice 0 back once it appears. V8's helpers
    // exist before this preload runs and keep 0. ffmpeg inherits it too: FFMPEG_SCHED=niceN
    // (relative) brings it back.
    setPriority(0, Number(mainNice));
    log(`main nice ${mainNice}`);
    eachNewThread(null, 50, (t) => setPriority(Number(t), 0), new Set([String(process.pid)]));
  }

  const sliceUs = process.env.MAIN_SLICE_US;
  if (sliceUs) {
    // EEVDF's custom slice (Linux 6.12+): sched_setattr(tid, {size 48, SCHED_OTHER, runtime}).
    // 314 is sched_setattr's number on x86-64 only.
    const script =
      'my $a=pack("LLQlLQQQ",48,0,0,0,0,$ARGV[1]*1000,0,0);' +
      'syscall(314,$ARGV[0]+0,$a,0)==0 or die "sched_setattr: $!\\n"';
    const slice = (tid, us) => execFileSync('perl', ['-e', script, String(tid), String(us)]);
    slice(process.pid, sliceUs);
    log(`main slice ${sliceUs} us`);
    // Threads created later inherit it; give each its default (0) back once it appears.
    eachNewThread(null, 200, (t) => slice(t, 0), new Set([String(process.pid)]));
    setTimeout(() => {
      for (const t of readdirSync('/proc/self/task')) {
        const sched = readFileSync(`/proc/self/task/${t}/sched`, 'utf8');
        const comm = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim();
        log(`thread ${t} ${comm} ${/se\.slice\s*:\s*(\d+)/.exec(sched)?.[1]}`);
      }
    }, 4000).unref();
  }
}

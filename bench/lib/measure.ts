/**
 * One measured service run at full speed: start the service, wait for its first detection
 * message, warm up, then measure for a window. Throughput is counted by the MQTT consumer, CPU
 * and RSS are read from /proc, so a run with telemetry off is measured exactly like one with it on.
 */
import { every, nowMs, sleep } from './clock.js';
import type { BenchContext } from './context.js';
import { monotonicUs, type MonotonicWindow } from './cpu-profile.js';
import { coresUsed, cpuByThreadName, cpuMsPerFrameByThread, readCpu, rssBytes } from './proc.js';
import type { Scrape } from './prom.js';
import { round } from './stats.js';
import { ServiceProcess, type ServiceSpec, type TelemetryMode } from './service.js';

export interface WindowOptions {
  warmupS: number;
  windowS: number;
  /** Started when the window opens; the returned function is awaited when it closes. */
  during?: (svc: ServiceProcess) => () => Promise<void>;
}

export interface MemoryTrend {
  /** RSS at the start and end of the window and its maximum, MiB. */
  rssStartMiB: number;
  rssEndMiB: number;
  rssMaxMiB: number;
  /** V8 heap used (all spaces) from /metrics just before and just after the window, MiB. */
  heapStartMiB: number | null;
  heapEndMiB: number | null;
}

export interface RunMeasurement {
  telemetry: TelemetryMode;
  /** Detection messages per second received by the consumer during the window. */
  fps: number;
  framesInWindow: number;
  windowS: number;
  /** CPU of the service process (all threads) during the window, cores. */
  cores: number;
  /** CPU time of the service process per published frame, ms (robust to other load). */
  cpuMsPerFrame: number;
  /** The same by thread name: MainThread, WorkerThread (inference + ONNX Runtime pool), V8Worker… */
  cpuMsPerFrameByThread: Record<string, number>;
  startupS: number;
  memory: MemoryTrend;
  /** Counters read from /metrics after the window (telemetry on only). */
  telemetryDropped: number | null;
  telemetryExportFailures: number | null;
  sinkRequests: number;
  exitCode: number | string;
  /** The window on the monotonic clock (to cut --cpu-prof profiles to it). */
  window: MonotonicWindow;
}

const MiB = 2 ** 20;

async function tryScrape(svc: ServiceProcess, on: boolean): Promise<Scrape | null> {
  if (!on) return null;
  try {
    return await svc.metrics();
  } catch {
    return null;
  }
}

const heapMiB = (s: Scrape | null): number | null =>
  s ? round(s.sum('v8js_memory_heap_used') / MiB, 1) : null;

export async function measureRun(
  ctx: BenchContext,
  spec: ServiceSpec,
  w: WindowOptions,
): Promise<RunMeasurement> {
  ctx.counter.reset();
  const t0 = nowMs();
  const svc = new ServiceProcess(spec);
  try {
    await svc.started();
    const deadline = nowMs() + 60_000;
    while (ctx.counter.count === 0) {
      if (nowMs() > deadline) throw svc.failure('published no detection message within 60 s');
      if (svc.child.exitCode !== null) throw svc.failure('exited during warm-up');
      await sleep(20);
    }
    const startupS = (nowMs() - t0) / 1000;
    await sleep(w.warmupS * 1000);
    const telemetryOn = spec.telemetry !== 'off';
    const before = await tryScrape(svc, telemetryOn);
    const sinkBefore = ctx.sink.requests;
    const rss: number[] = [];
    const stopRss = every(500, () => void rss.push(rssBytes(svc.pid)));
    const stopDuring = w.during?.(svc);
    const threads0 = cpuByThreadName(svc.pid);
    const cpu0 = readCpu(svc.pid);
    const fromUs = monotonicUs();
    const from = nowMs();
    await sleep(w.windowS * 1000);
    const to = nowMs();
    const toUs = monotonicUs();
    const cpu1 = readCpu(svc.pid);
    const threads1 = cpuByThreadName(svc.pid);
    await stopDuring?.();
    await stopRss();
    const after = await tryScrape(svc, telemetryOn);
    const framesInWindow = ctx.counter.countBetween(from, to);
    const cores = coresUsed(cpu0, cpu1);
    return {
      telemetry: spec.telemetry,
      fps: round(ctx.counter.rate(from, to), 2),
      framesInWindow,
      windowS: round((to - from) / 1000, 2),
      cores: round(cores, 3),
      cpuMsPerFrame:
        framesInWindow > 0 ? round(((cpu1.cpuS - cpu0.cpuS) * 1000) / framesInWindow, 3) : 0,
      cpuMsPerFrameByThread: cpuMsPerFrameByThread(threads0, threads1, framesInWindow),
      startupS: round(startupS, 2),
      memory: {
        rssStartMiB: round((rss[0] ?? 0) / MiB, 1),
        rssEndMiB: round((rss[rss.length - 1] ?? 0) / MiB, 1),
        rssMaxMiB: round(Math.max(0, ...rss) / MiB, 1),
        heapStartMiB: heapMiB(before),
        heapEndMiB: heapMiB(after),
      },
      telemetryDropped: after ? after.sum('adeline_telemetry_dropped_total') : null,
      telemetryExportFailures: after ? after.sum('adeline_telemetry_export_failures_total') : null,
      sinkRequests: ctx.sink.requests - sinkBefore,
      exitCode: await svc.stop(),
      window: { fromUs, toUs },
    };
  } finally {
    await svc.stop();
  }
}

/**
 * The live view's cost (issue 14): the full service at full speed on the synthetic scene, with
 * the live view disabled (before), enabled with no viewer, and enabled with 3 viewers (each
 * reading /live/events as a browser does). Goals: pipeline fps with 3 viewers ÷ with none
 * ≥ 0.97; CPU per frame with no viewer ÷ disabled within noise (≤ 1.03); no JPEG encoded while
 * no viewer is connected. Runs are interleaved so that drift of the machine cancels out.
 */
import { get, type IncomingMessage } from 'node:http';
import { pick, type BenchContext } from '../lib/context.js';
import { measureRun, type RunMeasurement } from '../lib/measure.js';
import type { ServiceProcess } from '../lib/service.js';
import { atLeast, atMost, type Goal, type ScenarioResult } from '../lib/results.js';
import { mean, round } from '../lib/stats.js';

type Mode = 'disabled' | 'no_viewer' | 'viewers_3';

interface LiveRun {
  mode: Mode;
  run: RunMeasurement;
  /** JPEGs encoded during the run (adeline_live_view_frames_encoded_total at its end). */
  encoded: number;
  /** Frame events the viewers received, all three together. */
  framesReceived: number;
}

/** A viewer: reads the event stream and counts frame events, until stopped. */
function viewer(port: number, onFrame: () => void): () => void {
  let res: IncomingMessage | undefined;
  const req = get({ host: '127.0.0.1', port, path: '/live/events' }, (r) => {
    res = r;
    let tail = '';
    r.setEncoding('utf8');
    r.on('data', (chunk: string) => {
      const text = tail + chunk;
      let i = text.indexOf('event: frame');
      let last = 0;
      while (i >= 0) {
        onFrame();
        last = i + 1;
        i = text.indexOf('event: frame', last);
      }
      tail = text.slice(Math.max(last, text.length - 16));
    });
    r.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  return () => {
    res?.destroy();
    req.destroy();
  };
}

async function liveRun(ctx: BenchContext, mode: Mode): Promise<LiveRun> {
  const model = ctx.models[0];
  if (!model) throw new Error('no model');
  ctx.log(`  service, ${model.key}, live view ${mode}`);
  let framesReceived = 0;
  let encoded = 0;
  const during = (svc: ServiceProcess) => {
    const stops =
      mode === 'viewers_3'
        ? [1, 2, 3].map(() => viewer(svc.healthPort, () => framesReceived++))
        : [];
    return async () => {
      try {
        encoded = (await svc.metrics()).sum('adeline_live_view_frames_encoded_total');
      } catch {
        encoded = -1;
      }
      for (const s of stops) s();
    };
  };
  const run = await measureRun(
    ctx,
    {
      model: model.path,
      telemetry: 'dead',
      otlpEndpoint: ctx.deadEndpoint,
      brokerUrl: ctx.brokerUrl,
      set: { 'live_view.enabled': mode !== 'disabled', 'live_view.max_fps': 2 },
    },
    { warmupS: pick(ctx, 2, 1), windowS: pick(ctx, 8, 3), during },
  );
  return { mode, run, encoded, framesReceived };
}

export async function liveview(ctx: BenchContext): Promise<ScenarioResult> {
  const order: Mode[] = pick(
    ctx,
    [
      'disabled',
      'no_viewer',
      'viewers_3',
      'viewers_3',
      'no_viewer',
      'disabled',
      'no_viewer',
      'viewers_3',
    ],
    ['disabled', 'no_viewer', 'viewers_3'],
  );
  const runs: LiveRun[] = [];
  for (const mode of order) runs.push(await liveRun(ctx, mode));
  const of = (m: Mode) => runs.filter((r) => r.mode === m);
  const fps = (m: Mode) => round(mean(of(m).map((r) => r.run.fps)), 2);
  const cpu = (m: Mode) => round(mean(of(m).map((r) => r.run.cpuMsPerFrame)), 3);
  const main = (m: Mode) =>
    round(mean(of(m).map((r) => r.run.cpuMsPerFrameByThread.MainThread ?? 0)), 3);
  const list = (m: Mode) =>
    of(m)
      .map((r) => r.run.fps.toFixed(1))
      .join(', ');
  const ratio = fps('no_viewer') > 0 ? fps('viewers_3') / fps('no_viewer') : 0;
  const cpuRatio = cpu('disabled') > 0 ? cpu('no_viewer') / cpu('disabled') : 0;
  const encodedIdle = Math.max(...of('no_viewer').map((r) => r.encoded));
  const viewed = of('viewers_3');
  const perViewerFps = mean(viewed.map((r) => r.framesReceived / 3 / r.run.windowS));
  const model = ctx.models[0]?.label;
  const section = '8. Live view';
  const goals: Goal[] = [
    {
      id: 'liveview_fps_3_viewers',
      section,
      title: 'pipeline fps with 3 live viewers ÷ with none',
      model,
      value: round(ratio, 3),
      unit: 'ratio',
      goal: '>= 0.97',
      met: atLeast(ratio, 0.97),
      absolute: `${fps('viewers_3')} fps with 3 viewers (runs ${list('viewers_3')}) / ${fps('no_viewer')} fps with none (runs ${list('no_viewer')}); each viewer got ${round(perViewerFps, 2)} frames/s (live_view.max_fps 2); CPU per frame ${cpu('viewers_3')} ms (main thread ${main('viewers_3')}) vs ${cpu('no_viewer')} ms (${main('no_viewer')})`,
    },
    {
      id: 'liveview_cpu_idle',
      section,
      title: 'CPU per frame, live view on with no viewer ÷ live view disabled',
      model,
      value: round(cpuRatio, 3),
      unit: 'ratio',
      goal: '<= 1.03 (unchanged within noise)',
      met: atMost(cpuRatio, 1.03),
      absolute: `${cpu('no_viewer')} ms (main thread ${main('no_viewer')}) / ${cpu('disabled')} ms (main thread ${main('disabled')}); ${fps('no_viewer')} vs ${fps('disabled')} fps (runs ${list('disabled')})`,
    },
    {
      id: 'liveview_encoded_idle',
      section,
      title: 'JPEGs encoded with the live view on and no viewer',
      model,
      value: encodedIdle,
      unit: 'frames',
      goal: '= 0',
      met: encodedIdle === 0,
      absolute: `adeline_live_view_frames_encoded_total at the end of each no-viewer run: ${of(
        'no_viewer',
      )
        .map((r) => r.encoded)
        .join(', ')}; with 3 viewers: ${viewed.map((r) => r.encoded).join(', ')}`,
    },
  ];
  return {
    goals,
    data: runs.map((r) => ({
      mode: r.mode,
      encoded: r.encoded,
      framesReceived: r.framesReceived,
      ...r.run,
    })),
  };
}

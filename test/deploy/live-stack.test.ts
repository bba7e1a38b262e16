/**
 * A real alert fires: Debian's Prometheus 2.42, loaded with the project's alert rules, scrapes a
 * running `bin/adeline run` (the image's ENTRYPOINT and CMD, with a test config) whose source is
 * a live MPEG-TS stream served by ffmpeg. The test kills the stream; AdelineSourceStalled must go
 * pending, then firing, as read through the Prometheus HTTP API.
 *
 * Time is shortened, not the logic: the rules are the project's, with every range and `for`
 * divided by TIME_SCALE (2m -> 6s, for 1m -> 3s), and Prometheus scrapes and evaluates every
 * second. The real durations are covered by the promtool unit tests.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startAdeline, startProcess, tempDir, type Proc } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';
import { cells, constantModel, writeModel, yolov8Output } from '../fixtures/onnx-models.js';
import { listFiles, readText, readYaml, run } from './deploy-files.js';
import { dockerInstructions, execForm } from './dockerfile.js';

const TIME_SCALE = 20;

/** Divides a Prometheus duration ("2m", "1h", "3d") by TIME_SCALE, in whole seconds (at least 1). */
export function scaleDuration(d: string): string {
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 } as const;
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(d);
  if (!m) throw new RangeError(`duration "${d}" is not a single-unit Prometheus duration`);
  const seconds = Number(m[1]) * unit[m[2] as keyof typeof unit];
  return `${Math.max(1, Math.round(seconds / TIME_SCALE))}s`;
}

/** The project's rule file with every range selector and `for` scaled down. */
function scaledRules(file: string): unknown {
  const doc = readYaml<{ groups: { rules: Record<string, string>[] }[] }>(file);
  for (const g of doc.groups) {
    for (const r of g.rules) {
      r['expr'] = String(r['expr']).replace(
        /\[(\d+(?:ms|s|m|h|d|w))\]/g,
        (_, d: string) => `[${scaleDuration(d)}]`,
      );
      if (r['for']) r['for'] = scaleDuration(r['for']);
    }
  }
  return doc;
}

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

describe('a real stall alert', function () {
  this.timeout(60_000);
  const dir = tempDir('adeline-live-');
  let stream: Proc | undefined;
  let adeline: Proc | undefined;
  let prometheus: Proc | undefined;
  let healthPort = 0;
  let promUrl = '';

  const alerts = async (): Promise<PromAlert[]> =>
    (await getJson<{ data: { alerts: PromAlert[] } }>(`${promUrl}/api/v1/alerts`)).data.alerts;
  const stallAlert = async (): Promise<PromAlert | undefined> =>
    (await alerts()).find(
      (a) => a.labels['alertname'] === 'AdelineSourceStalled' && a.labels['source_id'] === '0',
    );

  before(async function () {
    this.timeout(45_000);
    // A camera-like live stream: ffmpeg serves MPEG-TS over HTTP to one client.
    const streamPort = await freePort();
    stream = startProcess('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=10',
      '-c:v',
      'mpeg2video',
      '-q:v',
      '5',
      '-f',
      'mpegts',
      '-listen',
      '1',
      `http://127.0.0.1:${streamPort}/cam.ts`,
    ]);
    // No waitForPort here: ffmpeg -listen 1 serves exactly one client, and a probe connection
    // would be it. Adeline's source retries until the server listens.

    // A tiny YOLOv8-layout model that always detects one person: fast, and independent of the
    // bundled demo model.
    const n = cells(320);
    const model = writeModel(
      dir,
      'one-person.onnx',
      constantModel({
        input: [1, 3, 320, 320],
        outputs: [
          {
            name: 'output0',
            dims: [1, 5, n],
            data: yolov8Output(1, n, [{ cx: 160, cy: 160, w: 40, h: 120, cls: 0, score: 0.9 }]),
          },
        ],
        metadata: { names: "{0: 'person'}" },
      }),
    );

    healthPort = await freePort();
    const closedOtlpPort = await freePort();
    const config = {
      pipeline: { sources: [{ id: 0, url: `http://127.0.0.1:${streamPort}/cam.ts`, max_fps: 5 }] },
      models: { local_path: model, imgsz: 320 },
      mqtt: { embedded: { host: '127.0.0.1', port: 0 } },
      telemetry: { otlp: { endpoint: `http://127.0.0.1:${closedOtlpPort}`, timeout_ms: 200 } },
      health: { host: '127.0.0.1', port: healthPort, check_interval_ms: 200, stall_min_ms: 1000 },
      resilience: { source_reconnect: { initial_delay_ms: 200, max_delay_ms: 1000 } },
      spool: { dir: join(dir, 'spool') },
      logging: { level: 'warn', pretty: 'never' },
      shutdown: { grace_period: 3 },
    };
    writeFileSync(join(dir, 'adeline.yaml'), stringify(config));
    // The image's CMD is `run --config /etc/adeline/config.yaml`; the same command with this config.
    const cmd = execForm(
      dockerInstructions(readText('Dockerfile')).find((s) => s.op === 'CMD')?.args ?? '',
    );
    assert.deepEqual(cmd.slice(0, 2), ['run', '--config']);
    const svc = startAdeline([...cmd.slice(0, 2), join(dir, 'adeline.yaml')]);
    adeline = svc;
    const started = await waitFor(
      async () => {
        if (svc.child.exitCode !== null || svc.child.signalCode !== null) return 'exited';
        const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
        return (
          /^adeline_frames_processed_total\{[^}]*source_id="0"[^}]*\} [1-9]/m.test(text) &&
          'processing'
        );
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'adeline to process frames from the stream' },
    ).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    if (started !== 'processing') {
      throw new Error(
        `adeline did not process frames (${started}); its output:\n${svc.stdout().slice(-2000)}\n${svc.stderr().slice(-2000)}`,
      );
    }

    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    mkdirSync(join(dir, 'rules'));
    for (const f of listFiles('deploy/prometheus/rules', /\.yml$/)) {
      writeFileSync(
        join(dir, 'rules', f.split('/').pop() ?? 'rules.yml'),
        stringify(scaledRules(f)),
      );
    }
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
        rule_files: [join(dir, 'rules', '*.yml')],
        scrape_configs: [
          { job_name: 'adeline', static_configs: [{ targets: [`127.0.0.1:${healthPort}`] }] },
        ],
      }),
    );
    prometheus = startProcess('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--log.level=warn',
    ]);
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, {
      timeoutMs: 15_000,
      what: 'Prometheus to be ready',
    });
  });

  after(async () => {
    await adeline?.stop('SIGTERM', 5000);
    await Promise.all([prometheus?.stop('SIGTERM', 5000), stream?.stop('SIGKILL', 2000)]);
  });

  it('loads the project rules into Prometheus', async () => {
    const groups = (
      await getJson<{ data: { groups: { name: string; rules: { name: string }[] }[] } }>(
        `${promUrl}/api/v1/rules`,
      )
    ).data.groups;
    const names = groups.flatMap((g) => g.rules.map((r) => r.name));
    assert.ok(
      names.includes('AdelineSourceStalled') && names.includes('AdelineDown'),
      names.join(','),
    );
  });

  it('scrapes the running service and sees frames flowing, with no stall alert', async () => {
    await waitFor(
      async () => {
        const q = encodeURIComponent(
          'sum(rate(adeline_frames_processed_total{job="adeline", source_id="0"}[5s])) > 0',
        );
        const r = await getJson<{ data: { result: unknown[] } }>(
          `${promUrl}/api/v1/query?query=${q}`,
        );
        return r.data.result.length > 0;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'Prometheus to see frames processed' },
    );
    const up = await getJson<{ data: { result: { value: [number, string] }[] } }>(
      `${promUrl}/api/v1/query?query=up%7Bjob%3D%22adeline%22%7D`,
    );
    assert.equal(up.data.result[0]?.value[1], '1');
    assert.equal(await stallAlert(), undefined);
  });

  it("passes the image's HEALTHCHECK command against the running service", async () => {
    const hc =
      dockerInstructions(readText('Dockerfile')).find((s) => s.op === 'HEALTHCHECK')?.args ?? '';
    const [cmd, ...args] = execForm(hc.slice(hc.indexOf('CMD') + 3)).map((a) =>
      a.replace(':8080/', `:${healthPort}/`),
    );
    assert.match(
      String(args.at(-1)),
      new RegExp(`^http://127\\.0\\.0\\.1:${healthPort}/health/ready$`),
    );
    // Docker retries the check; so does this (the service is normally ready already).
    await waitFor(() => run(String(cmd), args).status === 0, {
      timeoutMs: 15_000,
      intervalMs: 500,
      what: '`adeline health` to exit 0',
    });
    // And it is not always 0: a port where nothing listens fails the check.
    const nobody = await freePort();
    const closed = args.map((a) => a.replace(`:${healthPort}/`, `:${nobody}/`));
    assert.equal(run(String(cmd), closed).status, 1);
  });

  it('goes pending, then firing, after the stream dies', async () => {
    await stream?.stop('SIGKILL', 2000);
    const seen: string[] = [];
    await waitFor(
      async () => {
        const a = await stallAlert();
        if (a && seen[seen.length - 1] !== a.state) seen.push(a.state);
        return a?.state === 'firing';
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'AdelineSourceStalled to fire' },
    );
    assert.deepEqual(seen, ['pending', 'firing']);
    const firing = await stallAlert();
    assert.equal(firing?.labels['severity'], 'critical');
    assert.equal(firing?.labels['job'], 'adeline');
  });
});

describe('the rule time scaling of the live alert test', () => {
  it('divides durations and keeps at least one second', () => {
    assert.equal(scaleDuration('2m'), '6s');
    assert.equal(scaleDuration('1h'), '180s');
    assert.equal(scaleDuration('5s'), '1s');
  });

  it('rejects a compound duration instead of misreading it', () => {
    assert.throws(() => scaleDuration('1h30m'), RangeError);
  });
});

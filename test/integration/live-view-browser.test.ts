/**
 * The live view in a real headless browser (Debian's chromium, driven by puppeteer-core; no browser
 * is downloaded): the service runs on the synthetic scene plus a file whose path holds a <script>,
 * with a labels file whose class name is a <script>, bearer auth on. The page must draw each
 * frame's published boxes (compared with the MQTT message of the same frame_id), render every
 * name as text, and cost nothing while nobody looks.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import puppeteer, { type Browser } from 'puppeteer-core';
import { REPO_ROOT, startMosquitto, tempDir, type Mosquitto } from '../helpers/processes.js';
import { sum } from '../helpers/prom-text.js';
import { startService, type ServiceRun } from '../helpers/service.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'live-view-test-token-0123456789';
const EVIL_CLASS = '<script>window.__xss = "class"</script>';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

interface MqttDetection {
  class: string;
  confidence: number;
  bbox: { x: number; y: number; width: number; height: number };
  track_id?: number;
}
interface MqttFrame {
  frame: { frame_id: number; source_id: number };
  detections: MqttDetection[];
  trace_id: string | null;
}
interface DrawnFrame {
  frame_id: number;
  trace_id: string | null;
  count: number;
  detections: Array<{ class: string; confidence: number; box: number[]; track_id: number | null }>;
}

describe('live view in a headless browser', function () {
  this.timeout(90_000);
  let broker: Mosquitto;
  let svc: ServiceRun;
  let sub: MqttClient;
  let browser: Browser | undefined;
  let base: string;
  let evilDir: string;
  const published = new Map<string, MqttFrame>();

  before(async () => {
    const dir = tempDir('adeline-live-');
    evilDir = join(dir, '<script>window.__xss = "path"<');
    mkdirSync(evilDir);
    const video = join(evilDir, 'script>.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=5:duration=20',
      '-pix_fmt',
      'yuv420p',
      '-y',
      video,
    ]);
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, `${EVIL_CLASS}\nfallen_person\n`);
    broker = await startMosquitto();
    const url = `mqtt://127.0.0.1:${broker.port}`;
    sub = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 100 });
    sub.on('message', (_t, payload) => {
      const m = JSON.parse(payload.toString()) as MqttFrame;
      published.set(`${m.frame.source_id}/${m.frame.frame_id}`, m);
    });
    await sub.subscribeAsync('inference/data/detections', { qos: 1 });
    svc = startService({
      brokerUrl: url,
      args: ['--source', 'synthetic:', '--source', video, '--max-fps', '5'],
      set: {
        'live_view.enabled': true,
        'live_view.max_fps': 5,
        'live_view.auth.mode': 'bearer',
        'models.labels_file': labels,
        'telemetry.trace_link_template': 'http://grafana.example/explore?trace={trace_id}',
      },
      env: { ADELINE_LIVE_VIEW__AUTH__TOKEN: TOKEN },
    });
    base = `http://127.0.0.1:${await svc.healthPort()}`;
  });

  after(async () => {
    await browser?.close();
    await sub?.endAsync();
    await svc?.stop();
    await broker?.stop();
  });

  const metrics = async (): Promise<string> => (await fetch(`${base}/metrics`)).text();

  it('encodes no JPEG while no viewer is connected, though frames flow', async () => {
    await waitFor(async () => sum(await metrics(), 'adeline_frames_processed_total') >= 8, {
      timeoutMs: 30_000,
      what: '8 processed frames',
    });
    const text = await metrics();
    assert.equal(sum(text, 'adeline_live_view_frames_encoded_total'), 0);
    assert.ok(text.includes('adeline_live_view_frames_encoded_total{source_id="0"'), 'series at 0');
  });

  it('answers 401 without the token on the page, its script and its stream', async () => {
    for (const path of ['/live', '/live/app.js', '/live/style.css', '/live/events']) {
      const res = await fetch(base + path);
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'unauthorized');
      assert.ok(!JSON.stringify(body).includes(TOKEN));
    }
    const wrong = await fetch(`${base}/live/events`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const bad = await fetch(`${base}/live`, { headers: { Authorization: 'Bearer' } });
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { error: string }).error, 'bad_auth_header');
    const text = await metrics();
    assert.ok(
      sum(text, 'adeline_live_view_requests_rejected_total', { reason: 'unauthorized' }) >= 5,
    );
    assert.ok(
      sum(text, 'adeline_live_view_requests_rejected_total', { reason: 'bad_auth_header' }) >= 1,
    );
  });

  it('redirects / to /live', async () => {
    const res = await fetch(`${base}/`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/live');
  });

  it('draws a tile per source whose image changes and whose boxes are the published ones', async () => {
    browser = await puppeteer.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.setViewport({ width: 1280, height: 1000 });
    await page.setExtraHTTPHeaders({ Authorization: `Bearer ${TOKEN}` });
    const res = await page.goto(`${base}/live`);
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/);

    const drawnOf = (id: number) =>
      page.evaluate(
        (sid) =>
          (globalThis as unknown as { adelineLive: { drawn: Record<number, unknown> } }).adelineLive
            .drawn[sid],
        id,
      ) as Promise<DrawnFrame | undefined>;
    const canvasOf = (id: number) =>
      page.$eval(`article[data-source-id="${id}"] canvas`, (c) =>
        (c as unknown as { toDataURL(): string }).toDataURL(),
      );

    const first = await waitFor(
      async () => {
        const d = await drawnOf(0);
        return d && d.detections.length > 0 ? d : undefined;
      },
      { timeoutMs: 30_000, what: 'a drawn frame with detections on source 0' },
    );
    const img1 = await canvasOf(0);
    const later = await waitFor(
      async () => {
        const d = await drawnOf(0);
        return d && d.frame_id > first.frame_id + 1 && d.detections.length > 0 ? d : undefined;
      },
      { timeoutMs: 30_000, what: 'a later frame' },
    );
    assert.notEqual(await canvasOf(0), img1, 'the image changes over time');

    for (const d of [first, later]) {
      const m = await waitFor(() => published.get(`0/${d.frame_id}`), {
        what: `MQTT frame ${d.frame_id}`,
      });
      assert.equal(d.trace_id, m.trace_id);
      assert.equal(d.detections.length, m.detections.length, `frame ${d.frame_id}: box count`);
      d.detections.forEach((b, i) => {
        const p = m.detections[i] as MqttDetection;
        assert.equal(b.class, p.class);
        assert.equal(b.class, EVIL_CLASS);
        assert.ok(Math.abs(b.confidence - p.confidence) < 1e-3);
        const [x1, y1, x2, y2] = b.box as [number, number, number, number];
        const want = [
          p.bbox.x - p.bbox.width / 2,
          p.bbox.y - p.bbox.height / 2,
          p.bbox.x + p.bbox.width / 2,
          p.bbox.y + p.bbox.height / 2,
        ];
        [x1, y1, x2, y2].forEach((v, k) =>
          assert.ok(Math.abs(v - (want[k] as number)) < 1e-3, `box ${i}[${k}]`),
        );
      });
    }

    // A tile per source, names rendered as text, no script but the page's own ran.
    await page.waitForSelector('article[data-source-id="1"]', { timeout: 20_000 });
    await waitFor(
      async () => (await page.$$eval('article.tile', (a) => a.length)) === 2 || undefined,
    );
    const desc = await page.$eval('article[data-source-id="1"] .desc', (e) => e.textContent ?? '');
    assert.ok(desc.includes('<script>window.__xss = "path"<'), desc);
    const cells = await page.$$eval('article[data-source-id="0"] .detections td', (tds) =>
      tds.map((t) => t.textContent),
    );
    assert.ok(cells.includes(EVIL_CLASS));
    assert.equal(await page.$$eval('script', (s) => s.length), 1);
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __xss?: string }).__xss),
      undefined,
    );
    const health = await page.$eval('#health', (e) => e.textContent);
    assert.match(health ?? '', /healthy|degraded|unhealthy/);
    const timings = await page.$$eval('#timings tbody tr', (r) => r.length);
    assert.ok(timings >= 2, 'the stage timings strip has rows');
    // Every trace id in the strip links to its own trace through the template.
    const links = await page.$$eval('#timings a', (as) =>
      as.map((a) => ({ href: a.getAttribute('href'), id: a.getAttribute('title') })),
    );
    assert.ok(links.length >= 2, `trace links: ${JSON.stringify(links)}`);
    for (const l of links) {
      assert.match(l.id ?? '', /^[0-9a-f]{32}$/);
      assert.equal(l.href, `http://grafana.example/explore?trace=${l.id}`);
    }
    // A control command and its reply show up.
    await sub.publishAsync('inference/control/commands', JSON.stringify({ command: 'pause' }), {
      qos: 1,
    });
    await waitFor(
      async () =>
        (
          await page.$$eval('#commands tbody tr', (rows) => rows.map((r) => r.textContent ?? ''))
        ).find((t) => t.includes('pause') && t.includes('paused')),
      { timeoutMs: 10_000, what: 'the pause command and its reply on the page' },
    );
    await sub.publishAsync('inference/control/commands', JSON.stringify({ command: 'resume' }), {
      qos: 1,
    });
    assert.ok(!(await page.content()).includes(TOKEN), 'the token is not on the page');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'live-view.png'), fullPage: true });
    assert.deepEqual(problems, []);
    const encoded = sum(await metrics(), 'adeline_live_view_frames_encoded_total');
    assert.ok(encoded >= 2, `encoded ${encoded}`);
    await browser.close();
    browser = undefined;
    await waitFor(
      async () => sum(await metrics(), 'adeline_live_view_viewers') === 0 || undefined,
      {
        what: 'viewers back to 0',
      },
    );
  });
});

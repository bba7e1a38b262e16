/**
 * The live view's HTTP surface on a real health server (loopback, free port) with real sharp
 * encoding: basic auth, bad requests, the viewer cap, and nothing mounted when it is off.
 */
import { strict as assert } from 'node:assert';
import { get, type IncomingMessage } from 'node:http';
import { HealthRegistry } from '../../src/health/registry.js';
import { HealthServer } from '../../src/health/server.js';
import { LiveView, sharpJpegEncoder } from '../../src/live/index.js';
import { waitFor } from '../helpers/wait.js';

function liveView(maxViewers = 1): LiveView {
  return new LiveView({
    maxFps: 10,
    jpegQuality: 60,
    maxViewers,
    commandsShown: 5,
    auth: { mode: 'basic', username: 'ops', password: 'p@ss:word' },
    traceLinkTemplate: null,
    timingsFrames: 5,
    encoder: sharpJpegEncoder,
    statusIntervalMs: 50,
    readers: {
      sources: () => [
        {
          id: 0,
          description: 'rtsp://cam/1',
          state: 'delivering',
          delivered: 1,
          framesRead: 1,
          drops: {},
        },
      ],
      health: new HealthRegistry(),
      pipelineState: () => 'running',
    },
  });
}

const basic = (user: string, pass: string) =>
  'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');

/** Opens the event stream; resolves with the response once headers arrived. */
function openStream(port: number, auth: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(
      { host: '127.0.0.1', port, path: '/live/events', headers: { Authorization: auth } },
      resolve,
    );
    req.on('error', reject);
  });
}

describe('live view over HTTP', function () {
  this.timeout(20_000);
  let server: HealthServer;
  let live: LiveView;
  let base: string;

  beforeEach(async () => {
    live = liveView();
    server = new HealthServer({
      registry: new HealthRegistry(),
      host: '127.0.0.1',
      port: 0,
      routes: live.middleware(),
    });
    await server.start();
    base = `http://127.0.0.1:${server.port}`;
  });
  afterEach(async () => {
    live.stop();
    await server.stop();
  });

  it('serves the page with basic auth, a strict CSP and no inline script', async () => {
    const res = await fetch(`${base}/live`, {
      headers: { Authorization: basic('ops', 'p@ss:word') },
    });
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.ok(!csp.includes('unsafe-inline'));
    const html = await res.text();
    assert.match(html, /<script src="\/live\/app\.js" defer><\/script>/);
    assert.equal(html.match(/<script/g)?.length, 1, 'one script tag, external');
    assert.ok(!/ on[a-z]+=/.test(html), 'no inline event handlers');
    const js = await fetch(`${base}/live/app.js`, {
      headers: { Authorization: basic('ops', 'p@ss:word') },
    });
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.ok(!(await js.text()).includes('innerHTML'));
  });

  it('rejects a wrong password, a wrong user and garbage credentials with a Basic challenge', async () => {
    for (const auth of [
      basic('ops', 'nope'),
      basic('root', 'p@ss:word'),
      'Basic %%%',
      'Digest x=y',
    ]) {
      const res = await fetch(`${base}/live`, { headers: { Authorization: auth } });
      assert.equal(res.status, 401, auth);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="Adeline live view"/);
      assert.ok(!(await res.text()).includes('p@ss'));
    }
  });

  it('refuses other methods and unknown live paths with JSON, never a stack', async () => {
    const auth = { Authorization: basic('ops', 'p@ss:word') };
    const post = await fetch(`${base}/live`, { method: 'POST', headers: auth, body: '<x>' });
    assert.equal(post.status, 405);
    assert.equal(((await post.json()) as { error: string }).error, 'method_not_allowed');
    const missing = await fetch(`${base}/live/../../etc/passwd`, { headers: auth });
    assert.ok([404, 401].includes(missing.status));
    const nope = await fetch(`${base}/live/nope.js`, { headers: auth });
    assert.equal(nope.status, 404);
    assert.equal(((await nope.json()) as { error: string }).error, 'not_found');
    assert.ok((await fetch(`${base}/health/live`)).status < 500, 'health routes still answer');
  });

  it('lets max_viewers streams in, refuses one more with 503, and frees the slot on close', async () => {
    const auth = basic('ops', 'p@ss:word');
    const first = await openStream(server.port, auth);
    assert.equal(first.statusCode, 200);
    assert.match(first.headers['content-type'] ?? '', /^text\/event-stream/);
    let text = '';
    first.setEncoding('utf8');
    first.on('data', (c: string) => (text += c));
    await waitFor(() => text.includes('event: status'), { what: 'a status event' });
    assert.match(text, /"description":"rtsp:\/\/cam\/1"/);
    const second = await fetch(`${base}/live/events`, { headers: { Authorization: auth } });
    assert.equal(second.status, 503);
    assert.equal(((await second.json()) as { error: string }).error, 'too_many_viewers');
    assert.equal(live.hub.viewers(), 1);
    first.destroy();
    await waitFor(() => live.hub.viewers() === 0, { what: 'the viewer to leave' });
    const third = await openStream(server.port, auth);
    assert.equal(third.statusCode, 200);
    third.destroy();
  });

  it('encodes a tapped frame with sharp into a JPEG the stream carries', async () => {
    const stream = await openStream(server.port, basic('ops', 'p@ss:word'));
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (text += c));
    await waitFor(() => live.hub.viewers() === 1);
    const w = 64;
    const h = 48;
    const rec = live.hub.begin({
      sourceId: 0,
      seq: 5,
      width: w,
      height: h,
      data: new Uint8Array(w * h * 3).fill(200),
      capturedAtMs: 0,
      decodeStartMs: 0,
      release: () => undefined,
    });
    assert.ok(rec);
    rec.done({ detections: [], roi: null, traceId: '0'.repeat(32), messageId: 3 });
    const line = await waitFor(() => /event: frame\ndata: (.*)\n/.exec(text)?.[1], {
      what: 'a frame event',
    });
    const ev = JSON.parse(line) as { frame_id: number; trace_id: string | null; jpeg: string };
    assert.equal(ev.frame_id, 5);
    assert.equal(ev.trace_id, null, 'an all-zero trace id (tracing off) is shown as none');
    const jpeg = Buffer.from(ev.jpeg, 'base64');
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG magic');
    stream.destroy();
  });
});

describe('health server without the live view', () => {
  it('answers / and /live with 404 as before', async () => {
    const server = new HealthServer({ registry: new HealthRegistry(), host: '127.0.0.1', port: 0 });
    await server.start();
    try {
      for (const p of ['/', '/live'])
        assert.equal((await fetch(`http://127.0.0.1:${server.port}${p}`)).status, 404, p);
    } finally {
      await server.stop();
    }
  });
});

import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Frame } from '../../src/domain/frame.js';
import type { Detection } from '../../src/domain/detection.js';
import { LiveHub } from '../../src/live/live-hub.js';
import { SseClient } from '../../src/live/sse-client.js';
import { CommandHistory } from '../../src/live/command-history.js';
import { waitFor } from '../helpers/wait.js';

function frame(seq: number, sourceId = 0, w = 4, h = 2): Frame & { data: Uint8Array } {
  return {
    sourceId,
    seq,
    width: w,
    height: h,
    data: new Uint8Array(w * h * 3).fill(seq),
    capturedAtMs: 0,
    decodeStartMs: 0,
    release: () => undefined,
  };
}

const det: Detection = {
  classId: 0,
  className: 'person',
  confidence: 0.9,
  box: { x1: 1, y1: 0, x2: 3, y2: 2 },
};

/** A fake HTTP response: records what the stream wrote (pure logic, no socket). */
function fakeRes(): { res: ServerResponse; text: () => string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (c: Buffer) => (out += c.toString()));
  const res = Object.assign(s, { writeHead: () => res }) as unknown as ServerResponse;
  return { res, text: () => out };
}

describe('live view hub', () => {
  let clock = 0;
  const calls: Array<{ bytes: Uint8Array; w: number; h: number }> = [];
  const encoder = async (bytes: Uint8Array, w: number, h: number) => {
    calls.push({ bytes: Uint8Array.from(bytes), w, h });
    return Buffer.from('jpeg');
  };
  beforeEach(() => {
    clock = 0;
    calls.length = 0;
  });
  const hub = () => new LiveHub({ maxFps: 2, jpegQuality: 70, encoder, now: () => clock });

  it('copies and encodes nothing while no viewer is connected', () => {
    const h = hub();
    for (let i = 1; i <= 50; i++) {
      clock += 1000;
      assert.equal(h.begin(frame(i)), undefined);
    }
    assert.equal(h.encodeCalls, 0);
    assert.equal(calls.length, 0);
  });

  it('sends frames with their own pixels and boxes, at most max_fps per source', async () => {
    const h = hub();
    const { res, text } = fakeRes();
    h.addClient(new SseClient(res, (c) => h.removeClient(c)));
    const f1 = frame(1);
    const rec = h.begin(f1);
    assert.ok(rec);
    f1.data.fill(99); // the source reuses its buffer: the hub must have copied
    clock += 100;
    assert.equal(h.begin(frame(2)), undefined, 'within 1/max_fps: skipped');
    assert.ok(h.begin(frame(3, 1)), 'another source has its own budget');
    rec.stage('inference', 12.345);
    rec.done({
      detections: [det],
      roi: { x1: 0, y1: 0, x2: 4, y2: 2 },
      traceId: 'ab'.repeat(16),
      messageId: 7,
    });
    await waitFor(() => text().includes('event: frame'));
    assert.equal(calls.length, 1);
    assert.deepEqual([...(calls[0]?.bytes ?? [])], new Array(24).fill(1));
    const data = JSON.parse(/event: frame\ndata: (.*)\n/.exec(text())?.[1] ?? '{}');
    assert.equal(data.frame_id, 1);
    assert.equal(data.message_id, 7);
    assert.deepEqual(data.detections, [
      { class: 'person', class_id: 0, confidence: 0.9, box: [1, 0, 3, 2], track_id: null },
    ]);
    assert.deepEqual(data.roi, { x1: 0, y1: 0, x2: 4, y2: 2 });
    assert.equal(data.stages.inference, 12.35);
    assert.equal(data.jpeg, Buffer.from('jpeg').toString('base64'));
  });

  it('drops a frame that finds the encoder busy instead of queueing it', async () => {
    let release!: () => void;
    const slow = () => new Promise<Buffer>((r) => (release = () => r(Buffer.from('x'))));
    const h = new LiveHub({ maxFps: 30, jpegQuality: 70, encoder: slow, now: () => clock });
    const { res } = fakeRes();
    h.addClient(new SseClient(res, (c) => h.removeClient(c)));
    const a = h.begin(frame(1));
    clock += 1000;
    const b = h.begin(frame(2));
    assert.ok(a && b);
    const r = { detections: [], roi: null, traceId: '', messageId: 1 };
    a.done(r);
    b.done(r); // encoder busy for source 0
    clock += 1000;
    assert.equal(h.begin(frame(3)), undefined, 'no copy while encoding');
    assert.equal(h.encodeCalls, 1);
    release();
    await waitFor(() => h.begin(frame(4)) !== undefined || undefined);
  });

  it('survives an encoder that fails', async () => {
    const h = new LiveHub({
      maxFps: 30,
      jpegQuality: 70,
      encoder: () => Promise.reject(new Error('vips')),
      now: () => clock,
    });
    const { res, text } = fakeRes();
    h.addClient(new SseClient(res, (c) => h.removeClient(c)));
    h.begin(frame(1))?.done({ detections: [], roi: null, traceId: '', messageId: 1 });
    clock += 1000;
    await waitFor(() => h.begin(frame(2)) !== undefined || undefined);
    assert.ok(!text().includes('event: frame'));
  });

  it('forgets the last frame and stops copying when the last viewer leaves', () => {
    const h = hub();
    const { res } = fakeRes();
    const c = new SseClient(res, (x) => h.removeClient(x));
    h.addClient(c);
    c.close();
    assert.equal(h.viewers(), 0);
    clock += 1000;
    assert.equal(h.begin(frame(1)), undefined);
  });
});

describe('live view command history', () => {
  it('keeps the last N replies, newest first, cut short and with URL passwords masked', () => {
    const h = new CommandHistory(2);
    h.record({ status: 'running', timestamp: 't1', command: 'status' });
    h.record({
      status: 'error',
      timestamp: 't2',
      command: 'pause',
      error: { code: 'ADELINE_ERR_X', message: 'no' },
    });
    h.record({
      status: 'running',
      timestamp: 't3',
      command: 'health',
      result: { url: 'rtsp://u:secret@cam/1', pad: 'x'.repeat(500) },
    });
    const list = h.list();
    assert.deepEqual(
      list.map((e) => e.at),
      ['t3', 't2'],
    );
    assert.equal(list[1]?.detail, 'ADELINE_ERR_X: no');
    assert.ok(!list[0]?.detail.includes('secret'));
    assert.ok((list[0]?.detail.length ?? 0) <= 160);
  });

  it('shows an unparsed command as such', () => {
    const h = new CommandHistory(5);
    h.record({
      status: 'error',
      timestamp: 't',
      error: { code: 'ADELINE_ERR_COMMAND_INVALID', message: 'not JSON' },
    });
    assert.equal(h.list()[0]?.command, '(unparsed)');
  });
});

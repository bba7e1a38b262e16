/** The delivery window (src/planes/delivery-window.ts): what is confirmed, what a loss takes back. */
import assert from 'node:assert/strict';
import { DeliveryWindow } from '../../src/planes/delivery-window.js';
import type { SpoolRecord } from '../../src/resilience/types.js';
import { installMetrics, type MetricsProbe } from './resilience-helpers.js';

const rec = (id: number): SpoolRecord => ({
  topic: 'inference/data/detections',
  payload: `{"message_id":${id}}`,
  qos: 0,
  sourceId: 0,
  messageId: id,
  spooledAtMs: 0,
});
const pending = new Promise<void>(() => undefined);

describe('delivery window', () => {
  let probe: MetricsProbe;
  beforeEach(() => (probe = installMetrics()));
  afterEach(() => probe.stop());

  it('confirms every handed message up to a checkpoint mark, oldest first, and counts each once', async () => {
    const w = new DeliveryWindow();
    const os = [1, 2, 3, 4].map((id) => w.open(rec(id)));
    for (const o of os.slice(0, 3)) w.hand(o, pending);
    w.confirmThrough(os[1]!.seq);
    assert.deepEqual(
      os.map((o) => o.state),
      ['confirmed', 'confirmed', 'handed', 'new'],
    );
    w.confirm(os[0]!); // a late PUBACK of a confirmed one changes nothing
    assert.equal(
      await probe.value('adeline_mqtt_messages_published_total', { channel: 'detections' }),
      2,
    );
    assert.equal(w.unconfirmed(), 1);
    assert.equal(await probe.value('adeline_mqtt_unconfirmed_messages'), 1);
  });

  it('gives a connection loss the handed messages in order and leaves the queued ones', () => {
    const w = new DeliveryWindow();
    const os = [5, 6, 7].map((id) => w.open(rec(id)));
    w.hand(os[0]!, pending);
    w.hand(os[1]!, pending);
    assert.deepEqual(
      w.handed().map((o) => o.rec.messageId),
      [5, 6],
    );
    for (const o of w.handed()) w.release(o, 'spooled');
    assert.equal(w.unconfirmed(), 0);
    assert.ok(w.hasQueued(), 'message 7 is still queued in the policy');
    assert.deepEqual(
      w.all().map((o) => o.rec.messageId),
      [7],
    );
  });

  it('does not confirm a message that was taken back to the spool', async () => {
    const w = new DeliveryWindow();
    const o = w.open(rec(9));
    w.hand(o, pending);
    w.release(o, 'spooled');
    w.confirm(o); // its PUBACK arrives after the loss took it
    w.confirmThrough(o.seq);
    assert.equal(o.state, 'spooled');
    assert.equal(
      (await probe.value('adeline_mqtt_messages_published_total', { channel: 'detections' })) ?? 0,
      0,
    );
    assert.equal(w.size(), 0);
  });

  it('reports the newest handed seq as the checkpoint mark (0 when none)', () => {
    const w = new DeliveryWindow();
    assert.equal(w.lastHandedSeq(), 0);
    const a = w.open(rec(1));
    const b = w.open(rec(2));
    w.hand(a, pending);
    assert.equal(w.lastHandedSeq(), a.seq);
    w.hand(b, pending);
    assert.equal(w.lastHandedSeq(), b.seq);
  });
});

import assert from 'node:assert/strict';
import type { SourceState } from '../../src/source/frame-source.js';
import { SourceMonitor } from '../../src/source/source-monitor.js';

function monitor(fps: number | null | 'learn' = 10) {
  let t = 1_000_000;
  const changes: SourceState[] = [];
  const m = new SourceMonitor({
    sourceId: 3,
    description: 'test',
    stallFactor: 5,
    stallMinMs: 2000,
    ...(fps === 'learn' ? {} : { expectedFps: () => fps }),
    now: () => t,
    tickMs: 0,
    onStateChange: (s) => changes.push(s),
  });
  m.start();
  return { m, changes, advance: (ms: number) => ((t += ms), m.check()) };
}

describe('source monitor: states and stall detection', () => {
  it('uses max(stall_factor × expected interval, stall_min_ms) as the stall timeout', () => {
    assert.equal(monitor(10).m.stallTimeoutMs(), 2000);
    assert.equal(monitor(1).m.stallTimeoutMs(), 5000);
    assert.equal(monitor(null).m.stallTimeoutMs(), 2000);
  });

  it('reports stalled after the timeout without frames, and delivering again at the next frame', () => {
    const { m, changes, advance } = monitor(10);
    assert.equal(m.status().state, 'connecting');
    m.frameRead();
    m.setPhase('active');
    assert.equal(m.status().state, 'delivering');
    advance(1999);
    assert.equal(m.status().state, 'delivering');
    advance(2);
    assert.equal(m.status().state, 'stalled');
    m.frameRead();
    assert.equal(m.status().state, 'delivering');
    assert.deepEqual(changes, ['delivering', 'stalled', 'delivering']);
    assert.equal(m.status().framesRead, 2);
  });

  it('reports a source whose frames wait for the pipeline as backpressured, never stalled', () => {
    const { m, advance } = monitor(10);
    m.frameRead();
    m.setPhase('active');
    m.setReady(true);
    advance(1500);
    assert.equal(m.status().state, 'delivering');
    advance(10_000);
    assert.equal(m.status().state, 'backpressured');
    // The consumer takes the frame: the stall clock restarts from then, not from the last frame.
    m.setReady(false);
    assert.equal(m.status().state, 'delivering');
    advance(1000);
    assert.equal(m.status().state, 'delivering');
    advance(1500);
    assert.equal(m.status().state, 'stalled');
  });

  it('reports paused over delivering, and the phases the source sets', () => {
    const { m } = monitor(10);
    m.frameRead();
    m.setPhase('active');
    m.setPaused(true);
    assert.equal(m.status().state, 'paused');
    m.setPaused(false);
    m.setPhase('reconnecting', 'connection refused');
    m.reconnectAttempt();
    assert.deepEqual(
      { state: m.status().state, err: m.status().lastError, reconnects: m.status().reconnects },
      { state: 'reconnecting', err: 'connection refused', reconnects: 1 },
    );
    m.setPhase('failed', 'gone');
    assert.equal(m.status().state, 'failed');
    assert.equal(m.status().lastError, 'gone');
  });

  it('learns the expected rate of a stream from its frames, so a slow camera is not stalled early', () => {
    const { m, advance } = monitor('learn');
    assert.equal(m.rateFps(), null);
    m.setPhase('active');
    for (let i = 0; i < 10; i++) {
      m.frameRead();
      advance(1000); // a 1 fps camera
    }
    m.frameRead();
    assert.ok(Math.abs(m.rateFps()! - 1) < 0.01, `rate ${m.rateFps()}`);
    assert.equal(m.stallTimeoutMs(), 5000);
    advance(4900);
    assert.equal(
      m.status().state,
      'delivering',
      'the missing frames do not shorten or stretch the timeout',
    );
    advance(200);
    assert.equal(m.status().state, 'stalled');
  });

  it('measures the frame rate over a moving window', () => {
    const { m, advance } = monitor(null);
    for (let i = 0; i < 30; i++) {
      m.frameRead();
      advance(100);
    }
    assert.ok(Math.abs(m.fps() - 10) < 0.5, `fps ${m.fps()}`);
    advance(5000);
    assert.equal(m.fps(), 0);
  });
});

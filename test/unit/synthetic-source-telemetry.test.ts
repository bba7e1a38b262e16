import assert from 'node:assert/strict';
import { SyntheticSource } from '../../src/source/synthetic/synthetic-source.js';
import { waitFor } from '../helpers/wait.js';
import { installMetrics, type MetricsProbe } from './resilience-helpers.js';

const opts = {
  id: 9,
  width: 64,
  height: 64,
  fps: 100,
  seed: 1,
  maxFigures: 1,
  fallProbability: 0,
};

describe('SyntheticSource state and telemetry (through SourceMonitor, as ffmpeg sources)', () => {
  let probe: MetricsProbe;
  let src: SyntheticSource | undefined;
  before(() => (probe = installMetrics()));
  afterEach(async () => src?.stop());
  after(() => probe.stop());

  it('counts frames read and exports the state gauge: 1 for the current state, 0 for the others', async () => {
    src = new SyntheticSource({ ...opts, live: false });
    await src.start();
    for (let i = 0; i < 4; i++) (await src.next())?.release();
    assert.equal(await probe.value('adeline_frames_read_total', { source_id: 9 }), 4);
    assert.equal(
      await probe.value('adeline_source_state', { source_id: 9, state: 'delivering' }),
      1,
    );
    assert.equal(
      await probe.value('adeline_source_state', { source_id: 9, state: 'connecting' }),
      0,
    );
    await src.stop();
    assert.equal(src.status().state, 'ended');
    assert.equal(await probe.value('adeline_source_state', { source_id: 9, state: 'ended' }), 1);
    assert.equal(
      await probe.value('adeline_source_state', { source_id: 9, state: 'delivering' }),
      0,
    );
    assert.equal(
      await probe.value('adeline_source_fps', { source_id: 9 }),
      0,
      'fps reads 0 once stopped',
    );
  });

  it('reads a non-live scene nobody pulls from as backpressured, never stalled, and delivering when pulled', async () => {
    src = new SyntheticSource({ ...opts, live: false, stallMinMs: 100 });
    await src.start();
    (await src.next())?.release();
    await waitFor(() => src!.status().state === 'backpressured', { what: 'backpressured' });
    (await src.next())?.release();
    assert.equal(src.status().state, 'delivering');
  });

  it('measures the live frame rate into adeline_source_fps', async () => {
    src = new SyntheticSource({ ...opts, id: 10, live: true });
    await src.start();
    const taking = setInterval(() => void src!.next().then((f) => f?.release()), 5);
    try {
      await waitFor(
        async () => ((await probe.value('adeline_source_fps', { source_id: 10 })) ?? 0) > 20,
        { what: 'a measured fps above 20' },
      );
    } finally {
      clearInterval(taking);
    }
  });
});

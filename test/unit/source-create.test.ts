import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';
import { AdelineError } from '../../src/domain/errors.js';
import type { ReconnectPolicy } from '../../src/resilience/types.js';
import { createSources, sourceConfigs } from '../../src/source/create-source.js';
import { FfmpegSource } from '../../src/source/ffmpeg/ffmpeg-source.js';
import { SyntheticSource } from '../../src/source/synthetic/synthetic-source.js';

const policies: number[] = [];
const deps = {
  reconnectPolicy: (id: number): ReconnectPolicy => {
    policies.push(id);
    return { run: (attempt) => attempt(1) };
  },
  cwd: '/videos',
};
const config = (overrides: Record<string, unknown> = {}) =>
  loadConfig({ env: {}, overrides }).config;

function configError(fn: () => unknown, ...mentions: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AdelineError && e.code === 'ADELINE_ERR_CONFIG', String(e));
    for (const m of mentions)
      assert.ok(e.message.includes(m), `"${e.message}" should mention "${m}"`);
    return true;
  });
}

describe('source factory', () => {
  it('falls back from pipeline.sources to pipeline.rtsp_url to the synthetic scene', () => {
    assert.deepEqual(sourceConfigs(config()), [{ url: 'synthetic:', loop: false }]);
    assert.equal(
      sourceConfigs(config({ 'pipeline.rtsp_url': 'rtsp://cam/live' }))[0]!.url,
      'rtsp://cam/live',
    );
    const c = config({
      'pipeline.rtsp_url': 'rtsp://cam/live',
      'pipeline.sources': [{ url: 'a.mp4' }],
    });
    assert.equal(sourceConfigs(c)[0]!.url, 'a.mp4');
  });

  it('builds a synthetic source from the synthetic section, with query parameters overriding it', () => {
    const c = config({ 'synthetic.width': 320, 'synthetic.height': 240, 'synthetic.fps': 15 });
    const [plain] = createSources(c, deps);
    assert.ok(plain!.source instanceof SyntheticSource);
    assert.equal(plain!.source.nominalFps(), 15);
    const [tuned] = createSources(
      config({ 'pipeline.sources': [{ url: 'synthetic:?seed=7&fps=10&live=false', id: 4 }] }),
      deps,
    );
    assert.ok(tuned!.source instanceof SyntheticSource);
    assert.equal(tuned!.source.id, 4);
    assert.equal(tuned!.source.nominalFps(), 10);
    assert.equal(tuned!.source.live, false);
  });

  it('builds ffmpeg sources for files and streams, with ids, caps and a reconnect policy for streams only', () => {
    policies.length = 0;
    const c = config({
      'pipeline.max_fps': 3,
      'pipeline.sources': [
        { url: 'cam1.mp4' },
        { url: 'rtsp://u:pw@cam/live', id: 9, max_fps: 0 },
        { url: 'file:///x/b.mp4', live: true, loop: true },
      ],
    });
    const made = createSources(c, deps);
    assert.deepEqual(
      made.map((m) => [m.source.id, m.source.kind, m.source.live, m.maxFps, m.source.description]),
      [
        [0, 'file', false, 3, '/videos/cam1.mp4'],
        [9, 'stream', true, 0, 'rtsp://u:***@cam/live'],
        [2, 'file', true, 3, '/x/b.mp4'],
      ],
    );
    assert.ok(made.every((m) => m.source instanceof FfmpegSource));
    assert.deepEqual(policies, [9]);
  });

  it('rejects two sources with the same id, naming both entries', () => {
    const c = config({ 'pipeline.sources': [{ url: 'a.mp4', id: 1 }, { url: 'b.mp4' }] });
    configError(
      () => createSources(c, deps),
      'pipeline.sources[1]',
      'pipeline.sources[0]',
      'source id 1',
    );
  });

  it('rejects an unknown, malformed or out-of-range synthetic parameter with a config error', () => {
    const make = (url: string) => () =>
      createSources(config({ 'pipeline.sources': [{ url }] }), deps);
    configError(make('synthetic:?speed=3'), 'unknown synthetic parameter "speed"', 'seed, fps');
    configError(make('synthetic:?fps=fast'), 'fps="fast" must be a number');
    configError(make('synthetic:?seed=1.5'), 'seed="1.5" must be an integer');
    configError(make('synthetic:?live=yes'), 'live="yes" must be true or false');
    configError(make('synthetic:?width=10'), 'pipeline.sources[0]', 'width');
    configError(make('gopher://host/x'), 'unsupported scheme');
  });
});

/**
 * Frame accounting of a real `adeline run` (bin/adeline, built dist/): the frame_ids of the
 * published detection messages are the file's frame numbers (1-based), once each; the summary's
 * counts add up (read = processed + dropped + left unprocessed); a run that finds nothing says so.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../src/cli/run-summary.js';
import { assertNoStackTrace, countFrames, isolatedRunArgs, runAdeline } from '../helpers/cli.js';
import { DetectionCollector } from '../helpers/mqtt-collector.js';
import {
  REPO_ROOT,
  startMosquitto,
  stopAll,
  tempDir,
  type Mosquitto,
} from '../helpers/processes.js';
import { makeVideo } from './ffmpeg-fixtures.js';
import { makeVariableRateVideo } from './frame-accounting-fixtures.js';

const readSummary = (path: string): RunSummary =>
  JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describe('adeline run frame accounting (real CLI, ffmpeg, ONNX Runtime, Mosquitto)', function () {
  this.timeout(120_000);
  const dir = tempDir('adeline-accounting-');
  let mosq: Mosquitto;
  before(async () => {
    mosq = await startMosquitto();
  });
  after(() => stopAll());

  /** Runs the whole file through the service and collects the detection messages it publishes. */
  async function runFile(path: string) {
    const collector = await DetectionCollector.start(`mqtt://127.0.0.1:${mosq.port}`);
    try {
      const json = join(dir, `summary-${Date.now()}.json`);
      const r = await runAdeline(
        [
          'run',
          ...isolatedRunArgs(),
          '--set',
          `mqtt.broker.url=mqtt://127.0.0.1:${mosq.port}`,
          '--set',
          'mqtt.qos.data=1',
          '--source',
          path,
          '--max-fps',
          '0',
          '--summary-json',
          json,
        ],
        { timeoutMs: 90_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      assertNoStackTrace(r);
      const s = readSummary(json);
      await collector.waitUntil(
        (c) => c.ids().size >= s.frames.processed,
        10_000,
        `${s.frames.processed} detection messages`,
      );
      return { summary: s, frameIds: collector.messages.map((m) => m.frameId), collector };
    } finally {
      await collector.stop();
    }
  }

  for (const [name, make] of [
    ['a variable-rate file made here', () => makeVariableRateVideo(tempDir('adeline-vfr-'))],
    [
      '../shared/realworld/people.mp4',
      () => join(REPO_ROOT, '..', 'shared', 'realworld', 'people.mp4'),
    ],
  ] as const) {
    it(`publishes frame_ids 1..N once each for ${name}, N = ffprobe's frame count`, async () => {
      const path = make();
      const n = countFrames(path);
      const { summary, frameIds, collector } = await runFile(path);
      assert.equal(summary.frames.read, n, 'frames read = ffprobe nb_read_frames');
      assert.equal(summary.frames.processed, n);
      assert.equal(summary.frames.unprocessed, 0);
      assert.deepEqual(collector.malformed, []);
      assert.deepEqual(
        [...frameIds].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i + 1),
        'each frame_id of 1..N exactly once: no duplicate, no gap',
      );
      assert.deepEqual(collector.orderViolations(), [], 'in file order');
    });
  }

  it('with --frames 5, counts any frame read ahead as left unprocessed, so the counts add up', async () => {
    const clip = makeVideo('clip.mp4', 2, 10, dir);
    const json = join(dir, 'frames-5.json');
    const r = await runAdeline([
      'run',
      ...isolatedRunArgs(),
      '--source',
      clip,
      '--max-fps',
      '0',
      '--frames',
      '5',
      '--summary-json',
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const f = readSummary(json).frames;
    assert.equal(f.processed, 5);
    // Whether the source decoded a frame ahead before the stop is a race (ffmpeg's output is read
    // as it comes); what must hold is that every frame read is accounted for.
    assert.equal(f.unprocessed, f.read - 5, `frames read past the limit (${JSON.stringify(f)})`);
    assert.equal(
      f.read,
      f.processed + total(f.dropped) + f.unprocessed,
      'read = processed + dropped + unprocessed',
    );
    assert.match(
      r.stderr,
      new RegExp(
        `frames read ${f.read}, processed 5, failed 0, dropped none${f.unprocessed > 0 ? `, left unprocessed at stop ${f.unprocessed}` : ''}\\n`,
      ),
    );
  });

  it('warns in the summary when a run found no detection, with what to check', async () => {
    const clip = makeVideo('empty.mp4', 1, 10, dir);
    const json = join(dir, 'none.json');
    const r = await runAdeline([
      'run',
      ...isolatedRunArgs(),
      '--source',
      clip,
      '--max-fps',
      '0',
      '--set',
      'models.confidence=0.999',
      '--summary-json',
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = readSummary(json);
    assert.deepEqual(s.detectionsByClass, {});
    assert.match(s.noDetectionsHint ?? '', /models\.confidence 0\.999 in 10 frames/);
    const warning = r.stderr
      .split('\n')
      .find((l) => l.includes('warning: the model found nothing'));
    assert.ok(warning, `a warning line on stderr:\n${r.stderr}`);
    for (const hint of [
      'models.preprocess',
      'adeline model info MODEL --probe',
      'models.confidence',
      '--labels',
    ])
      assert.ok(warning.includes(hint), `the warning names ${hint}: ${warning}`);
  });
});

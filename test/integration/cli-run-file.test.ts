/**
 * `adeline run --source <file>` end to end: the real CLI (bin/adeline, built dist/), real ffmpeg
 * decoding generated videos, the real model in ONNX Runtime, the embedded broker.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../src/cli/run-summary.js';
import { STAGES } from '../../src/telemetry/schema.js';
import { constantModel, writeModel, yolov8Output } from '../fixtures/onnx-models.js';
import { assertNoStackTrace, countFrames, isolatedRunArgs, runAdeline } from '../helpers/cli.js';
import { stopAll, tempDir } from '../helpers/processes.js';
import { makeVideo } from './ffmpeg-fixtures.js';

/** A v8-layout model that sees one `person` (score 0.9) in every frame, whatever the input. */
function alwaysPersonModel(dir: string): string {
  const data = yolov8Output(2, 84, [{ cx: 32, cy: 32, w: 16, h: 8, cls: 0, score: 0.9 }]);
  return writeModel(
    dir,
    'always-person.onnx',
    constantModel({
      outputs: [{ name: 'output0', dims: [1, 6, 84], data }],
      metadata: { names: "{0: 'person', 1: 'fallen_person'}" },
    }),
  );
}

const readSummary = (path: string): RunSummary =>
  JSON.parse(readFileSync(path, 'utf8')) as RunSummary;

describe('adeline run --source <file> (real CLI, ffmpeg, ONNX Runtime)', function () {
  this.timeout(60_000);
  const dir = tempDir('adeline-cli-file-');
  let clip: string;
  let clipFrames: number;
  let shortClip: string;
  let shortFrames: number;

  before(() => {
    clip = makeVideo('clip.mp4', 2, 10, dir);
    shortClip = makeVideo('short.mp4', 1, 10, dir);
    clipFrames = countFrames(clip);
    shortFrames = countFrames(shortClip);
    assert.notEqual(clipFrames, shortFrames, 'the two clips differ in length');
  });
  after(() => stopAll());

  it('processes every frame of a video file, exits 0 and prints the summary', async () => {
    const json = join(dir, 'every-frame.json');
    const r = await runAdeline([
      'run',
      ...isolatedRunArgs(),
      '--source',
      clip,
      '--max-fps',
      '0',
      '--summary-json',
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assertNoStackTrace(r);
    const s = readSummary(json);
    assert.equal(s.frames.read, clipFrames, 'frames read = frames ffprobe counts');
    assert.equal(s.frames.processed, clipFrames, 'every frame processed');
    assert.equal(s.frames.failed, 0);
    assert.deepEqual(
      Object.entries(s.frames.dropped).filter(([, n]) => n > 0),
      [],
      'a file drops nothing',
    );
    assert.deepEqual(
      s.sources.map((x) => [x.id, x.state, x.framesRead, x.description]),
      [[0, 'ended', clipFrames, clip]],
    );
    for (const stage of [...STAGES, 'e2e']) {
      const l = s.latencyMs[stage];
      assert.ok(l, `latency of ${stage}`);
      assert.ok(l.p50 >= 0 && l.p50 <= l.p95 && l.p95 <= l.p99, `${stage} p50 <= p95 <= p99`);
    }
    assert.ok(s.latencyMs.inference!.p50 > 0, 'inference takes time');

    // The human summary on stderr says the same.
    assert.match(r.stderr, /Adeline run summary/);
    assert.match(
      r.stderr,
      new RegExp(`frames read ${clipFrames}, processed ${clipFrames}, failed 0, dropped none`),
    );
    assert.match(r.stderr, /stage\s+p50 ms\s+p95 ms\s+p99 ms/);
    for (const stage of [...STAGES, 'e2e'])
      assert.match(r.stderr, new RegExp(`^\\s+${stage}\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+$`, 'm'));
    assert.match(r.stderr, /^\s+0\s+ended\s+\d+\s+\S*clip\.mp4$/m);
    // JSON logs on stdout: the run started and finished.
    assert.match(r.stdout, /"event":"service_started"/);
    assert.match(r.stdout, /"event":"run_summary"/);
  });

  it('stops after --frames N and lists the detections per class', async () => {
    const json = join(dir, 'frames-5.json');
    const r = await runAdeline([
      'run',
      ...isolatedRunArgs(),
      '--source',
      clip,
      '--max-fps',
      '0',
      '--model',
      alwaysPersonModel(dir),
      '--frames',
      '5',
      '--summary-json',
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assertNoStackTrace(r);
    const s = readSummary(json);
    assert.equal(s.frames.processed, 5);
    assert.ok(
      s.frames.read < clipFrames,
      `stopped before the end of the file (${s.frames.read} read)`,
    );
    assert.deepEqual(s.detectionsByClass, { person: 5 });
    assert.match(r.stderr, /class\s+detections/);
    assert.match(r.stderr, /^\s+person\s+5$/m);
    assert.doesNotMatch(r.stderr, /no detections/);
  });

  it('runs two file sources at once, each with its own source_id', async () => {
    const json = join(dir, 'two.json');
    const r = await runAdeline([
      'run',
      ...isolatedRunArgs(),
      '--source',
      clip,
      '--source',
      shortClip,
      '--max-fps',
      '0',
      '--summary-json',
      json,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assertNoStackTrace(r);
    const s = readSummary(json);
    assert.deepEqual(
      s.sources.map((x) => [x.id, x.description, x.state, x.framesRead]),
      [
        [0, clip, 'ended', clipFrames],
        [1, shortClip, 'ended', shortFrames],
      ],
    );
    assert.equal(s.frames.read, clipFrames + shortFrames);
    assert.equal(s.frames.processed, clipFrames + shortFrames);
    assert.match(r.stderr, /^\s+0\s+ended\s+\d+\s+\S*clip\.mp4$/m);
    assert.match(r.stderr, /^\s+1\s+ended\s+\d+\s+\S*short\.mp4$/m);
  });
});

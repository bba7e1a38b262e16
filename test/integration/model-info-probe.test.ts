/**
 * `adeline model info --probe FILE [--image F]`: one inference on a real frame (the synthetic
 * scene, or an image read by real ffmpeg) with per-class top scores before the threshold; and
 * its bad input.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { constantModel, writeModel, yolov8Output } from '../fixtures/onnx-models.js';
import { assertCleanError, runAdeline } from '../helpers/cli.js';
import { stopAll, tempDir, writeTemp } from '../helpers/processes.js';

const NAMES = { names: "{0: 'person', 1: 'fallen_person'}" };
const box = { cx: 32, cy: 32, w: 16, h: 8, cls: 0, score: 0.9 };

describe('adeline model info --probe (real CLI, ONNX Runtime, ffmpeg)', function () {
  this.timeout(60_000);
  const dir = tempDir('adeline-model-probe-');
  after(() => stopAll());

  /** score = 0.9 − 0.9 · mean(input): about 0.45 on a mid-grey 0..1 input, below 0 on 0..255. */
  const greySensitive = () => {
    const data = yolov8Output(2, 84, [box]);
    const scaleByMean = new Float32Array(data.length);
    scaleByMean[4 * 84] = -0.9;
    return constantModel({
      outputs: [{ name: 'output0', dims: [1, 6, 84], data, scaleByMean }],
      metadata: NAMES,
    });
  };
  let grey: string;
  before(() => {
    grey = join(dir, 'grey.png');
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x808080:s=64x64'].concat([
        '-frames:v',
        '1',
        grey,
      ]),
    );
  });

  it('prints the top score per class before the threshold and the count above it, on an image', async () => {
    const path = writeModel(dir, 'grey.onnx', greySensitive());
    const r = await runAdeline(['model', 'info', path, '--probe', '--image', grey]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Probe\s+one inference on \S+grey\.png \(64x64\), \d+ ms$/m);
    const m = /^ {2}person\s+(0\.\d{3})\s+1 above the threshold$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Math.abs(Number(m[1]) - 0.45) < 0.01, `score ${m[1]} = 0.9 - 0.9 * 128/255`);
    assert.match(r.stdout, /^Detections 1 above the threshold on this frame$/m);
  });

  it('shows that nothing passes when the preprocessing is wrong, and names the likely causes', async () => {
    const path = writeModel(dir, 'grey-wrong.onnx', greySensitive());
    const r = await runAdeline([
      'model',
      'info',
      path,
      '--probe',
      '--image',
      grey,
      '--set',
      'models.preprocess.scale=1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /none: no candidate scored 0\.001 or more/);
    assert.match(r.stdout, /^Detections 0 above the threshold on this frame$/m);
    assert.match(r.stdout, /check the preprocessing above \(models\.preprocess\), the threshold/);
  });

  it('probes a frame of the synthetic scene by default, and reports it as JSON with --json', async () => {
    const r = await runAdeline(['model', 'info', 'models/adeline-demo.onnx', '--probe', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      probe: {
        frame: { label: string; width: number };
        threshold: number;
        classes: Array<{ className: string; topScore: number; aboveThreshold: number }>;
        detectionsAboveThreshold: number;
      };
    };
    assert.match(out.probe.frame.label, /^synthetic scene \(seed 42\), frame 0$/);
    assert.equal(out.probe.frame.width, 640);
    assert.equal(out.probe.threshold, 0.25);
    const person = out.probe.classes.find((c) => c.className === 'person');
    assert.ok(person && person.topScore > 0.5, `the demo model sees a person: ${r.stdout}`);
    assert.equal(
      out.probe.detectionsAboveThreshold,
      out.probe.classes.reduce((n, c) => n + c.aboveThreshold, 0),
    );
  });

  it('rejects a missing --image file, a file that is not an image, and --image without --probe', async () => {
    const path = writeModel(dir, 'probe-bad.onnx', greySensitive());
    const missing = await runAdeline([
      'model',
      'info',
      path,
      '--probe',
      '--image',
      join(dir, 'nope.png'),
    ]);
    assertCleanError(missing, 'ADELINE_ERR_SOURCE_NOT_FOUND', 1, 'nope.png', 'PNG, JPEG');
    const text = writeTemp('not-an-image.png', 'hello, I am text\n', dir);
    const notImage = await runAdeline(['model', 'info', path, '--probe', '--image', text]);
    assertCleanError(notImage, 'ADELINE_ERR_SOURCE_DECODE', 1, 'not-an-image.png', 'ffmpeg');
    const noProbe = await runAdeline(['model', 'info', path, '--image', grey]);
    assertCleanError(noProbe, 'ADELINE_ERR_USAGE', 2, '--probe');
    const noValue = await runAdeline(['model', 'info', path, '--probe', '--image']);
    assertCleanError(noValue, 'ADELINE_ERR_USAGE', 2, '--image needs a value');
    const twoFiles = await runAdeline(['model', 'info', path, path]);
    assertCleanError(twoFiles, 'ADELINE_ERR_USAGE', 2, 'one FILE');
    const unknown = await runAdeline(['model', 'info', path, '--prob']);
    assertCleanError(unknown, 'ADELINE_ERR_USAGE', 2, '--prob');
  });
});

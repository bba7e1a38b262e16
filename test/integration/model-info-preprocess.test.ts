/**
 * `adeline model info` (real CLI, real ONNX Runtime, real ffmpeg for --image): the preprocessing
 * derived for each generated layout model and its source, config overrides, the labels hint,
 * `adeline run --labels`, and the preprocessing reaching the service.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cells,
  constantModel,
  end2endOutput,
  writeModel,
  yolov5Output,
  yolov8Output,
  yoloxRawModel,
} from '../fixtures/onnx-models.js';
import {
  assertCleanError,
  assertNoStackTrace,
  isolatedRunArgs,
  runAdeline,
} from '../helpers/cli.js';
import { stopAll, tempDir } from '../helpers/processes.js';

const NAMES = { names: "{0: 'person', 1: 'fallen_person'}" };
const box = { cx: 32, cy: 32, w: 16, h: 8, cls: 0, score: 0.9 };

/** The Preprocess block's value of one key and where it came from. */
function row(stdout: string, key: string): [string, string] {
  const m = new RegExp(
    `^  models\\.preprocess\\.${key}\\s+(\\S+(?:, \\S+)*)\\s+\\((auto|set by config)\\)$`,
    'm',
  ).exec(stdout);
  assert.ok(m, `a row for models.preprocess.${key} in:\n${stdout}`);
  return [m[1]!, m[2]!];
}

function rows(stdout: string): Record<string, string> {
  const keys = ['channel_order', 'scale', 'mean', 'std', 'resize', 'pad_value', 'pad_position'];
  return Object.fromEntries(keys.map((k) => [k, row(stdout, k)[0]]));
}

const ULTRA = {
  channel_order: 'rgb',
  scale: '1/255',
  mean: 'none',
  std: 'none',
  resize: 'letterbox',
  pad_value: '114',
  pad_position: 'center',
};
const YOLOX = { ...ULTRA, channel_order: 'bgr', scale: '1', pad_position: 'top_left' };

describe('adeline model info: derived preprocessing', function () {
  this.timeout(60_000);
  const dir = tempDir('adeline-model-info-');
  after(() => stopAll());

  const models: Array<[string, () => Uint8Array, Record<string, string>, RegExp]> = [
    [
      'a yolov8 model with Ultralytics metadata',
      () =>
        constantModel({
          outputs: [{ name: 'output0', dims: [1, 6, 84], data: yolov8Output(2, 84, [box]) }],
          metadata: { ...NAMES, author: 'Ultralytics', stride: '32' },
        }),
      ULTRA,
      /auto: Ultralytics metadata \(metadata author "Ultralytics"\)/,
    ],
    [
      'a yolov5 model with names and stride metadata (export.py)',
      () =>
        constantModel({
          outputs: [{ name: 'output0', dims: [1, 252, 7], data: yolov5Output(2, 252, [box]) }],
          metadata: { ...NAMES, stride: '32' },
        }),
      ULTRA,
      /auto: Ultralytics metadata \(metadata keys names and stride/,
    ],
    [
      'a yolov8 model without family metadata',
      () =>
        constantModel({
          outputs: [{ name: 'output0', dims: [1, 6, 84], data: yolov8Output(2, 84, [box]) }],
          metadata: NAMES,
        }),
      ULTRA,
      /auto: layout default \(layout yolov8 without family metadata/,
    ],
    [
      'an end2end model without metadata',
      () =>
        constantModel({
          outputs: [
            {
              name: 'output0',
              dims: [1, 10, 6],
              data: end2endOutput(10, [[4, 8, 20, 40, 0.9, 0]]),
            },
          ],
        }),
      ULTRA,
      /auto: layout default \(layout end2end/,
    ],
    [
      'a raw-grid YOLOX export',
      () => yoloxRawModel(),
      YOLOX,
      /auto: YOLOX layout \(layout yolox \(raw grid output/,
    ],
    [
      'a decoded YOLOX export',
      () => {
        const rows2 = yolov5Output(2, cells(64), [
          { cx: 40, cy: 20, w: 8, h: 8, cls: 1, score: 0.95 },
        ]);
        for (let i = 1; i < cells(64); i++) rows2[i * 7] = rows2[i * 7 + 1] = (i % 8) * 8 + 4;
        return constantModel({
          outputs: [{ name: 'output', dims: [1, cells(64), 7], data: rows2 }],
        });
      },
      YOLOX,
      /auto: YOLOX layout \(layout yolox \(decoded output/,
    ],
  ];

  for (const [what, build, expected, source] of models) {
    it(`prints the preprocessing derived for ${what}, and where it came from`, async () => {
      const path = writeModel(dir, `${what.replace(/\W+/g, '-')}.onnx`, build());
      const r = await runAdeline(['model', 'info', path]);
      assert.equal(r.code, 0, r.stderr);
      assertNoStackTrace(r);
      assert.deepEqual(rows(r.stdout), expected);
      assert.match(r.stdout, source);
      const json = await runAdeline(['model', 'info', path, '--json']);
      const info = JSON.parse(json.stdout) as { preprocess: { spec: { channelOrder: string } } };
      assert.equal(info.preprocess.spec.channelOrder, expected.channel_order);
    });
  }

  it('shows the fields set by --set models.preprocess.* as set by config, the others as auto', async () => {
    const path = writeModel(dir, 'override.onnx', yoloxRawModel());
    const r = await runAdeline([
      'model',
      'info',
      path,
      '--set',
      'models.preprocess.channel_order=rgb',
      '--set',
      'models.preprocess.scale=1/255',
      '--set',
      'models.preprocess.mean=[0.485, 0.456, 0.406]',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(row(r.stdout, 'channel_order'), ['rgb', 'set by config']);
    assert.deepEqual(row(r.stdout, 'scale'), ['1/255', 'set by config']);
    assert.deepEqual(row(r.stdout, 'mean'), ['[0.485, 0.456, 0.406]', 'set by config']);
    assert.deepEqual(row(r.stdout, 'pad_position'), ['top_left', 'auto']);
  });

  it('suggests models/coco80.txt when the model has no class names', async () => {
    const path = writeModel(dir, 'nonames.onnx', yoloxRawModel());
    const r = await runAdeline(['model', 'info', path]);
    assert.match(r.stdout, /^Classes\s+80 \(generated, no names found\)/m);
    assert.match(r.stdout, /--labels models\/coco80\.txt/);
    const named = await runAdeline(['model', 'info', path, '--labels', 'models/coco80.txt']);
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /^Classes\s+80 \(labels file\)/m);
    assert.match(named.stdout, /0: person, 1: bicycle, 2: car/);
    assert.doesNotMatch(named.stdout, /--labels models\/coco80\.txt/);
  });

  it('rejects a bad models.preprocess value with the key named', async () => {
    const path = writeModel(dir, 'bad-set.onnx', yoloxRawModel());
    const r = await runAdeline(['model', 'info', path, '--set', 'models.preprocess.scale=2']);
    assertCleanError(r, 'ADELINE_ERR_CONFIG', 1, 'invalid configuration');
    assert.match(r.stderr, /models\.preprocess\.scale: must be "auto", "1\/255" .* or 1 \(got 2\)/);
  });

  /** adeline run on 2 synthetic frames; returns the detections per class and the stdout. */
  const run2 = async (model: string, ...extra: string[]) => {
    const json = join(dir, `run-${Math.random().toString(16).slice(2)}.json`);
    const r = await runAdeline([
      'run',
      ...isolatedRunArgs(),
      '--model',
      model,
      '--labels',
      'models/coco80.txt',
      '--frames',
      '2',
      '--max-fps',
      '0',
      '--set',
      'synthetic.live=false',
      '--summary-json',
      json,
      ...extra,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as {
      detectionsByClass: Record<string, number>;
    };
    return { byClass: summary.detectionsByClass, stdout: r.stdout };
  };

  it('adeline run --labels models/coco80.txt names the classes of a YOLOX export and feeds it BGR 0..255', async () => {
    // Class score = 0.004 · mean(input): about 0.4 on a 0..255 input, under 0.002 on a 0..1 one.
    const path = writeModel(dir, 'yolox-run.onnx', yoloxRawModel(128, 80, 0, 0, 0.004));
    const { byClass, stdout } = await run2(path);
    assert.deepEqual(byClass, { person: 2 });
    const log = stdout.split('\n').find((l) => l.includes('"event":"model_preprocess"'));
    assert.ok(log, stdout);
    const fields = JSON.parse(log) as Record<string, string>;
    assert.equal(fields.preprocess, 'bgr, scale 1, letterbox top-left, pad 114');
    assert.equal(fields.preprocess_rule, 'yolox-layout');
    assert.equal(fields.preprocess_overridden, 'none');
    // The same model fed 0..1 by config sees nothing: the service really applies the override.
    const wrong = await run2(path, '--set', 'models.preprocess.scale=1/255');
    assert.deepEqual(wrong.byClass, {});
  });

  it('rejects run --labels without a file, and a labels file with the wrong count', async () => {
    const noValue = await runAdeline(['run', '--labels']);
    assertCleanError(noValue, 'ADELINE_ERR_USAGE', 2, '--labels needs a value');
    const path = writeModel(dir, 'yolox-2.onnx', yoloxRawModel(128, 2));
    const r = await runAdeline(['model', 'info', path, '--labels', 'models/coco80.txt']);
    assertCleanError(r, 'ADELINE_ERR_LABELS', 1, 'coco80.txt');
  });
});

import { strict as assert } from 'node:assert';
import type { ModelInfo } from '../../src/inference/model-info.js';
import { formatModelInfo } from '../../src/inference/model-info-format.js';
import { ULTRALYTICS_PREPROCESS } from '../../src/inference/preprocess-spec.js';

const INFO: ModelInfo = {
  path: 'models/yolo11n.onnx',
  name: 'yolo11n.onnx',
  fileBytes: 10_621_440,
  irVersion: 9,
  producer: 'pytorch 2.5.1',
  opsets: [{ domain: '', version: 19 }],
  inputName: 'images',
  inputType: 'float32',
  inputShape: [1, 3, 640, 640],
  inputWidth: 640,
  inputHeight: 640,
  dynamicInput: false,
  outputs: [{ name: 'output0', type: 'float32', shape: [1, 84, 8400], dims: [1, 84, 8400] }],
  outputName: 'output0',
  layout: 'yolov8',
  layoutSource: 'detected',
  gridDecode: false,
  numClasses: 80,
  candidates: 8400,
  classNames: Array.from({ length: 80 }, (_, i) => (i === 0 ? 'person' : `c${i}`)),
  classNamesSource: 'metadata',
  metadata: { names: '{...}', imgsz: '[640, 640]', stride: '32', task: 'detect' },
  preprocess: {
    spec: { ...ULTRALYTICS_PREPROCESS },
    rule: 'ultralytics-metadata',
    reason: 'metadata keys names and stride (Ultralytics / YOLOv5 export)',
    overridden: [],
  },
};

describe('model info format', () => {
  it('prints the file, input, outputs, layout, classes and metadata', () => {
    const text = formatModelInfo(INFO);
    const lines = text.split('\n');
    assert.equal(lines[0], 'Model     models/yolo11n.onnx (10.1 MB)');
    assert.equal(lines[1], 'Format    ONNX IR 9, opset ai.onnx 19, producer pytorch 2.5.1');
    assert.equal(lines[2], 'Input     images float32 [1, 3, 640, 640] (fixed 640x640)');
    assert.equal(lines[4], '  output0 float32 [1, 84, 8400]   <- detections');
    assert.equal(lines[5], 'Layout    yolov8 (detected)');
    assert.match(lines[6]!, /\[1, 4\+nc, N\].*8400 candidates per frame/);
    assert.equal(lines[7], 'Classes   80 (model metadata)');
    assert.equal(lines[8], '          0: person, 1: c1, 2: c2, 3: c3, 4: c4, 5: c5');
    assert.ok(text.includes('Metadata\n  imgsz: [640, 640]\n  stride: 32\n  task: detect'));
    assert.ok(
      !text.includes('names: {...}'),
      'names are shown as classes, not repeated as metadata',
    );
  });

  it('shows a dynamic input, concrete output dims, raw yolox decoding and a config layout', () => {
    const text = formatModelInfo({
      ...INFO,
      inputShape: [1, 3, 'h', 'w'],
      inputWidth: 320,
      inputHeight: 320,
      dynamicInput: true,
      outputs: [{ name: 'output', type: 'float32', shape: [1, 'n', 85], dims: [1, 2100, 85] }],
      outputName: 'output',
      layout: 'yolox',
      layoutSource: 'config',
      gridDecode: true,
      classNames: ['a', 'b'],
      classNamesSource: 'labels',
      numClasses: 2,
      metadata: {},
    });
    assert.ok(
      text.includes(
        'Input     images float32 [1, 3, h, w] (dynamic, run at 320x320 (models.imgsz))',
      ),
    );
    assert.ok(text.includes('  output float32 [1, n, 85] = [1, 2100, 85]   <- detections'));
    assert.ok(
      text.includes('Layout    yolox (set by models.layout, raw: grid/stride decoding applied)'),
    );
    assert.ok(text.includes('Classes   2 (labels file)'));
    assert.ok(!text.includes('Metadata'));
  });

  it('prints the preprocessing, one row per config key, marking the keys the config set', () => {
    const text = formatModelInfo({
      ...INFO,
      preprocess: {
        spec: {
          ...ULTRALYTICS_PREPROCESS,
          channelOrder: 'bgr',
          mean: [0.485, 0.456, 0.406],
          std: [0.229, 0.224, 0.225],
        },
        rule: 'yolox-layout',
        reason: 'layout yolox (raw grid output, one row per grid cell)',
        overridden: ['mean', 'std'],
      },
    });
    const block = text.slice(text.indexOf('Preprocess'), text.indexOf('Metadata')).trimEnd();
    assert.equal(
      block,
      [
        'Preprocess bgr, scale 1/255, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225], letterbox centred, pad 114',
        '          auto: YOLOX layout (layout yolox (raw grid output, one row per grid cell))',
        '  models.preprocess.channel_order  bgr        (auto)',
        '  models.preprocess.scale          1/255      (auto)',
        '  models.preprocess.mean           [0.485, 0.456, 0.406] (set by config)',
        '  models.preprocess.std            [0.229, 0.224, 0.225] (set by config)',
        '  models.preprocess.resize         letterbox  (auto)',
        '  models.preprocess.pad_value      114        (auto)',
        '  models.preprocess.pad_position   center     (auto)',
      ].join('\n'),
    );
  });

  it('suggests models/coco80.txt only when the model has no class names', () => {
    const hint = /--labels models\/coco80\.txt/;
    assert.doesNotMatch(formatModelInfo(INFO), hint);
    assert.match(formatModelInfo({ ...INFO, classNamesSource: 'generated' }), hint);
  });

  it('round-trips the info through JSON for --json', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(INFO)), INFO);
  });
});

/** models.preprocess: what `auto` derives from the model file, config overrides, and bad config. */
import { strict as assert } from 'node:assert';
import { loadConfig } from '../../src/config/index.js';
import { AdelineError } from '../../src/domain/errors.js';
import { validateEngineOptions } from '../../src/inference/engine-options.js';
import { LAYOUT_OPTIONS } from '../../src/inference/layout.js';
import {
  AUTO_PREPROCESS,
  derivePreprocess,
  preprocessOptionsFromConfig,
  validatePreprocessOptions,
} from '../../src/inference/preprocess-derive.js';
import { ULTRALYTICS_PREPROCESS, YOLOX_PREPROCESS } from '../../src/inference/preprocess-spec.js';

const ULTRA_META = { author: 'Ultralytics', names: "{0: 'person'}", stride: '32' };

describe('preprocess derivation (models.preprocess auto)', () => {
  it('derives RGB, 1/255, centred letterbox, pad 114 from Ultralytics metadata', () => {
    const r = derivePreprocess(AUTO_PREPROCESS, {
      layout: 'yolov8',
      gridDecode: false,
      metadata: ULTRA_META,
    });
    assert.deepEqual(r.spec, ULTRALYTICS_PREPROCESS);
    assert.equal(r.rule, 'ultralytics-metadata');
    assert.match(r.reason, /author "Ultralytics"/);
    assert.deepEqual(r.overridden, []);
  });

  it('treats names + stride metadata (YOLOv5 export.py) as Ultralytics, even on a yolox-shaped output', () => {
    const r = derivePreprocess(AUTO_PREPROCESS, {
      layout: 'yolox',
      gridDecode: false,
      metadata: { names: "{0: 'a'}", stride: '32' },
    });
    assert.equal(r.rule, 'ultralytics-metadata');
    assert.equal(r.spec.channelOrder, 'rgb');
  });

  it('derives BGR, scale 1, top-left letterbox, pad 114 for a raw YOLOX grid output', () => {
    const r = derivePreprocess(AUTO_PREPROCESS, {
      layout: 'yolox',
      gridDecode: true,
      metadata: {},
    });
    assert.deepEqual(r.spec, YOLOX_PREPROCESS);
    assert.equal(r.rule, 'yolox-layout');
    assert.match(r.reason, /raw grid output/);
  });

  it('uses the Ultralytics convention for yolov5, yolov8 and end2end outputs without metadata', () => {
    for (const layout of ['yolov5', 'yolov8', 'end2end'] as const) {
      const r = derivePreprocess(AUTO_PREPROCESS, { layout, gridDecode: false, metadata: {} });
      assert.deepEqual([r.rule, r.spec], ['layout-default', ULTRALYTICS_PREPROCESS], layout);
    }
  });

  it('lets the config override single fields and says which', () => {
    const { config } = loadConfig({
      env: {},
      overrides: { 'models.preprocess.channel_order': 'bgr', 'models.preprocess.scale': 1 },
    });
    const r = derivePreprocess(preprocessOptionsFromConfig(config.models.preprocess), {
      layout: 'yolov8',
      gridDecode: false,
      metadata: ULTRA_META,
    });
    assert.deepEqual(r.spec, { ...ULTRALYTICS_PREPROCESS, channelOrder: 'bgr', scale: 1 });
    assert.deepEqual(r.overridden, ['channelOrder', 'scale']);
  });

  it('accepts scale as "1/255", 1/255 as a number, or 1, and mean/std triples', () => {
    for (const v of ['1/255', 0.00392156862745098]) {
      const { config } = loadConfig({ env: {}, overrides: { 'models.preprocess.scale': v } });
      assert.equal(preprocessOptionsFromConfig(config.models.preprocess).scale, 1 / 255);
    }
    const { config } = loadConfig({
      env: { ADELINE_MODELS__PREPROCESS__PAD_POSITION: 'top_left' },
      overrides: {
        'models.preprocess.mean': [0.485, 0.456, 0.406],
        'models.preprocess.std': [0.229, 0.224, 0.225],
        'models.preprocess.resize': 'stretch',
        'models.preprocess.pad_value': 0,
      },
    });
    const o = preprocessOptionsFromConfig(config.models.preprocess);
    assert.deepEqual(o, {
      channelOrder: 'auto',
      scale: 'auto',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      resize: 'stretch',
      padValue: 0,
      padPosition: 'top_left',
    });
  });

  it('rejects a bad scale, channel order, std, mean length and pad value, naming each key', () => {
    try {
      loadConfig({
        env: {},
        overrides: {
          'models.preprocess.scale': 2,
          'models.preprocess.channel_order': 'grb',
          'models.preprocess.std': [1, 0, 1],
          'models.preprocess.mean': [1, 2],
          'models.preprocess.pad_value': 300,
          'models.preprocess.pad_position': 'bottom',
        },
      });
      assert.fail('expected a configuration error');
    } catch (err) {
      assert.ok(err instanceof AdelineError, String(err));
      for (const key of ['scale', 'channel_order', 'std', 'mean', 'pad_value', 'pad_position'])
        assert.ok(err.message.includes(`models.preprocess.${key}`), `${key}:\n${err.message}`);
    }
  });

  it('rejects engine preprocess options with a missing field or a wrong value (API edge)', () => {
    assert.throws(
      () =>
        validatePreprocessOptions({ ...AUTO_PREPROCESS, scale: undefined as unknown as 'auto' }),
      (e: unknown) => e instanceof TypeError && /preprocess.scale is missing/.test(e.message),
    );
    assert.throws(
      () => validatePreprocessOptions({ ...AUTO_PREPROCESS, padValue: -1 }),
      (e: unknown) => e instanceof RangeError && /padValue/.test(e.message),
    );
  });
});

describe('InferenceEngine.open() preprocess option (API edge)', () => {
  const base = {
    modelPath: 'm.onnx',
    layout: 'auto',
    labelsFile: null,
    intraOpThreads: 1,
    imgsz: 320,
    confidence: 0.25,
    iouThreshold: 0.45,
    poolSize: 1,
  };
  it('rejects a preprocess option that is not an object, or holds an out-of-range value', () => {
    assert.throws(
      () => validateEngineOptions({ ...base, preprocess: 'rgb' }, LAYOUT_OPTIONS),
      TypeError,
    );
    assert.throws(
      () =>
        validateEngineOptions(
          { ...base, preprocess: { ...AUTO_PREPROCESS, std: [1, -1, 1] } },
          LAYOUT_OPTIONS,
        ),
      (e: unknown) =>
        e instanceof RangeError && /std values must be finite and > 0/.test(e.message),
    );
    assert.doesNotThrow(() =>
      validateEngineOptions({ ...base, preprocess: { ...AUTO_PREPROCESS } }, LAYOUT_OPTIONS),
    );
  });
});

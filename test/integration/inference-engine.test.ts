/**
 * The InferenceEngine on real ONNX Runtime, one small generated model per output layout.
 * Each model's output is `C + S · mean(input)`, so the expected boxes are known exactly.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAdelineError, type ErrorCode } from '../../src/domain/errors.js';
import { InferenceEngine, type EngineOptions } from '../../src/inference/index.js';
import { setLogLevel } from '../../src/telemetry/logger.js';
import { tempDir } from '../helpers/processes.js';
import {
  constantModel,
  end2endOutput,
  unloadableModel,
  writeModel,
  yolov5Output,
  yolov8Output,
  type ConstantModelSpec,
} from '../fixtures/onnx-models.js';

const NAMES = { names: "{0: 'person', 1: 'fallen_person'}" };
const dir = tempDir('adeline-inference-');
let n = 0;

function model(spec: ConstantModelSpec): string {
  return writeModel(dir, `m${n++}.onnx`, constantModel(spec));
}

function options(modelPath: string, extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    modelPath,
    layout: 'auto',
    labelsFile: null,
    intraOpThreads: 1,
    imgsz: 64,
    confidence: 0.25,
    iouThreshold: 0.45,
    poolSize: 2,
    ...extra,
  };
}

const white = (w: number, h: number) => new Uint8Array(w * h * 3).fill(255);
const black = (w: number, h: number) => new Uint8Array(w * h * 3);

/** v8 model: one fallen_person box at (24..40, 28..36) whose score is 0.1 + 0.8 · mean(input). */
function v8Model(): string {
  const data = yolov8Output(2, 84, [{ cx: 32, cy: 32, w: 16, h: 8, cls: 1, score: 0.1 }]);
  const scale = new Float32Array(6 * 84);
  scale[5 * 84] = 0.8;
  return model({
    outputs: [{ name: 'output0', dims: [1, 6, 84], data, scaleByMean: scale }],
    metadata: NAMES,
  });
}

async function expectCode(p: Promise<unknown>, code: ErrorCode, ...parts: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isAdelineError(e, code), `expected ${code}, got ${String(e)}`);
    for (const re of parts) assert.match(e.message, re);
    return true;
  });
}

describe('InferenceEngine on ONNX Runtime', function () {
  this.timeout(20_000);
  let previousLevel = 'info';
  const open: InferenceEngine[] = [];
  const start = async (o: EngineOptions): Promise<InferenceEngine> => {
    const e = await InferenceEngine.open(o);
    open.push(e);
    return e;
  };

  before(() => (previousLevel = setLogLevel('silent')));
  after(async () => {
    await Promise.all(open.map((e) => e.close()));
    setLogLevel(previousLevel);
  });

  describe('YOLOv8 layout', () => {
    let engine: InferenceEngine;
    before(async () => (engine = await start(options(v8Model()))));

    it('reports the model info: input, outputs, layout and metadata names', () => {
      const i = engine.info;
      assert.deepEqual(
        [
          i.inputName,
          i.inputWidth,
          i.inputHeight,
          i.dynamicInput,
          i.layout,
          i.layoutSource,
          i.numClasses,
          i.candidates,
        ],
        ['images', 64, 64, false, 'yolov8', 'detected', 2, 84],
      );
      assert.deepEqual(i.classNames, ['person', 'fallen_person']);
      assert.equal(i.classNamesSource, 'metadata');
      assert.deepEqual(i.outputs, [
        { name: 'output0', type: 'float32', shape: [1, 6, 84], dims: [1, 6, 84] },
      ]);
      assert.equal(i.metadata.names, NAMES.names);
    });

    it('detects the box on a white frame, with the score the input makes', async () => {
      const input = engine.prepare(white(64, 64), 64, 64, null);
      const raw = await engine.infer(input);
      assert.deepEqual(raw.dims, [1, 6, 84]);
      const dets = engine.decode(raw, input);
      assert.equal(dets.length, 1);
      assert.deepEqual(dets[0]!.box, { x1: 24, y1: 28, x2: 40, y2: 36 });
      assert.equal(dets[0]!.className, 'fallen_person');
      assert.ok(Math.abs(dets[0]!.confidence - 0.9) < 1e-5, String(dets[0]!.confidence));
    });

    it('finds nothing on a black frame (score 0.1 < confidence 0.25)', async () => {
      const input = engine.prepare(black(64, 64), 64, 64, null);
      assert.deepEqual(engine.decode(await engine.infer(input), input), []);
    });

    it('maps the box back through an ROI crop and its resize', async () => {
      const input = engine.prepare(white(256, 256), 256, 256, { x1: 64, y1: 64, x2: 192, y2: 192 });
      const dets = engine.decode(await engine.infer(input), input);
      assert.deepEqual(dets[0]!.box, { x1: 112, y1: 120, x2: 144, y2: 136 });
    });

    it('maps the box back through letterbox padding of a wide frame', async () => {
      const input = engine.prepare(white(128, 64), 128, 64, null);
      const dets = engine.decode(await engine.infer(input), input);
      assert.deepEqual(dets[0]!.box, { x1: 48, y1: 24, x2: 80, y2: 40 });
    });

    it('times the run inside the worker in epoch milliseconds', async () => {
      const before = performance.timeOrigin + performance.now();
      const raw = await engine.infer(engine.prepare(white(64, 64), 64, 64, null));
      const after = performance.timeOrigin + performance.now();
      assert.ok(
        raw.workerStartMs >= before - 1 && raw.workerEndMs <= after + 1,
        `${before} ${raw.workerStartMs} ${raw.workerEndMs} ${after}`,
      );
      assert.equal(raw.inferenceMs, raw.workerEndMs - raw.workerStartMs);
      assert.ok(raw.queueMs >= 0);
    });

    it('returns input tensors to the pool, with the buffer the worker sent back', async () => {
      const a = engine.prepare(white(64, 64), 64, 64, null);
      const sent = a.tensor.buffer;
      const b = engine.prepare(white(64, 64), 64, 64, null);
      assert.throws(
        () => engine.prepare(white(64, 64), 64, 64, null),
        /all 2 input tensors are in use/,
      );
      await engine.infer(a);
      assert.equal(sent.byteLength, 0, 'the buffer was transferred, not copied');
      assert.equal(a.tensor.length, 3 * 64 * 64, 'the slot holds the buffer that came back');
      engine.release(b);
      engine.release(b);
      const c = engine.prepare(white(64, 64), 64, 64, null);
      const d = engine.prepare(white(64, 64), 64, 64, null);
      engine.release(c);
      engine.release(d);
    });

    it('hands a decoded output buffer back to the worker, and refuses to decode it twice', async () => {
      const input = engine.prepare(white(64, 64), 64, 64, null);
      const raw = await engine.infer(input);
      assert.equal(engine.decode(raw, input).length, 1);
      assert.throws(() => engine.decode(raw, input), /already decoded or released/);
      const decoded = raw.data;
      const next = engine.prepare(white(64, 64), 64, 64, null);
      const raw2 = await engine.infer(next);
      assert.equal(decoded.length, 0, 'the decoded buffer travelled back to the worker');
      engine.releaseOutput(raw2);
      engine.releaseOutput(raw2);
      assert.throws(() => engine.decode(raw2, next), TypeError);
    });

    it('queues concurrent runs FIFO', async () => {
      const inputs = [
        engine.prepare(white(64, 64), 64, 64, null),
        engine.prepare(black(64, 64), 64, 64, null),
      ];
      const raws = await Promise.all(inputs.map((i) => engine.infer(i)));
      assert.ok(raws[0]!.workerEndMs <= raws[1]!.workerStartMs);
      assert.equal(engine.decode(raws[0]!, inputs[0]!).length, 1);
      assert.equal(engine.decode(raws[1]!, inputs[1]!).length, 0);
    });

    it('answers a probe with its inference time', async () => {
      const ms = await engine.probe();
      assert.ok(ms >= 0 && ms < 5000, String(ms));
    });

    it('rejects inferring the same prepared input twice', async () => {
      const input = engine.prepare(white(64, 64), 64, 64, null);
      await engine.infer(input);
      await assert.rejects(engine.infer(input), TypeError);
    });

    it('rejects a bad frame in prepare without leaking a pooled tensor', () => {
      assert.throws(() => engine.prepare(new Uint8Array(5), 64, 64, null), RangeError);
      assert.throws(
        () => engine.prepare(white(64, 64), 64, 64, { x1: 0, y1: 0, x2: 65, y2: 10 }),
        RangeError,
      );
      engine.release(engine.prepare(white(64, 64), 64, 64, null));
      engine.release(engine.prepare(white(64, 64), 64, 64, null));
    });
  });

  it('decodes YOLOv5 [1, N, 5+nc] with per-class NMS', async () => {
    const rows = yolov5Output(
      2,
      252,
      [
        { cx: 20, cy: 30, w: 10, h: 10, obj: 0.9, cls: 0, score: 0.9 },
        { cx: 21, cy: 30, w: 10, h: 10, obj: 0.9, cls: 0, score: 0.5 },
        { cx: 21, cy: 30, w: 10, h: 10, obj: 0.9, cls: 1, score: 0.6 },
      ],
      [10, 11, 200],
    );
    const e = await start(
      options(
        model({ outputs: [{ name: 'output0', dims: [1, 252, 7], data: rows }], metadata: NAMES }),
      ),
    );
    assert.deepEqual([e.info.layout, e.info.numClasses], ['yolov5', 2]);
    const input = e.prepare(white(64, 64), 64, 64, null);
    const dets = e.decode(await e.infer(input), input);
    assert.deepEqual(
      dets.map((d) => [d.className, Math.round(d.confidence * 100), d.box.x1]),
      [
        ['person', 81, 15],
        ['fallen_person', 54, 16],
      ],
    );
  });

  it('decodes decoded YOLOX [1, cells, 5+nc] as pixel boxes', async () => {
    const rows = yolov5Output(2, 84, [{ cx: 40, cy: 20, w: 8, h: 8, cls: 1, score: 0.95 }]);
    for (let i = 1; i < 84; i++) rows[i * 7] = rows[i * 7 + 1] = (i % 8) * 8 + 4;
    const e = await start(
      options(model({ outputs: [{ name: 'output', dims: [1, 84, 7], data: rows }] })),
    );
    assert.deepEqual(
      [e.info.layout, e.info.gridDecode, e.info.classNamesSource],
      ['yolox', false, 'generated'],
    );
    const input = e.prepare(white(64, 64), 64, 64, null);
    const dets = e.decode(await e.infer(input), input);
    assert.deepEqual(dets, [
      {
        classId: 1,
        className: 'class_1',
        confidence: Math.fround(0.95),
        box: { x1: 36, y1: 16, x2: 44, y2: 24 },
      },
    ]);
  });

  it('decodes raw YOLOX outputs through the grid', async () => {
    const rows = yolov5Output(2, 84, [{ cx: 0.5, cy: 0.25, w: 0, h: 0, cls: 0, score: 0.9 }], [9]);
    const e = await start(
      options(
        model({ outputs: [{ name: 'output', dims: [1, 84, 7], data: rows }], metadata: NAMES }),
      ),
    );
    assert.deepEqual([e.info.layout, e.info.gridDecode], ['yolox', true]);
    const input = e.prepare(white(64, 64), 64, 64, null);
    const dets = e.decode(await e.infer(input), input);
    assert.deepEqual(dets[0]!.box, { x1: 8, y1: 6, x2: 16, y2: 14 });
  });

  it('decodes end-to-end [1, K, 6] without NMS', async () => {
    const rows = end2endOutput(10, [
      [4, 8, 20, 40, 0.9, 2],
      [5, 8, 20, 40, 0.8, 2],
      [0, 0, 1, 1, 0.1, 0],
    ]);
    const meta = { names: "{0: 'a', 1: 'b', 2: 'c'}" };
    const e = await start(
      options(
        model({ outputs: [{ name: 'output0', dims: [1, 10, 6], data: rows }], metadata: meta }),
      ),
    );
    assert.deepEqual(
      [e.info.layout, e.info.numClasses, e.info.classNames],
      ['end2end', null, ['a', 'b', 'c']],
    );
    const input = e.prepare(white(64, 64), 64, 64, null);
    const dets = e.decode(await e.infer(input), input);
    assert.deepEqual(
      dets.map((d) => [d.className, d.box.x1]),
      [
        ['c', 4],
        ['c', 5],
      ],
    );
  });

  it('runs a dynamic-input model at models.imgsz', async () => {
    const data = yolov8Output(2, 84, [{ cx: 48, cy: 48, w: 16, h: 16, cls: 0, score: 0.9 }]);
    const e = await start(
      options(
        model({
          input: [1, 3, 'height', 'width'],
          outputs: [{ name: 'output0', dims: [1, 6, 84], data }],
        }),
        { imgsz: 96 },
      ),
    );
    assert.deepEqual(
      [e.info.dynamicInput, e.info.inputWidth, e.info.inputHeight, e.info.inputShape],
      [true, 96, 96, [1, 3, 'height', 'width']],
    );
    const input = e.prepare(white(192, 192), 192, 192, null);
    assert.equal(input.tensor.length, 3 * 96 * 96);
    const dets = e.decode(await e.infer(input), input);
    assert.deepEqual(dets[0]!.box, { x1: 80, y1: 80, x2: 112, y2: 112 });
  });

  it('takes class names from a labels file over the metadata', async () => {
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, 'standing\nfallen\n');
    const e = await start(options(v8Model(), { labelsFile: labels }));
    assert.deepEqual(
      [e.info.classNames, e.info.classNamesSource],
      [['standing', 'fallen'], 'labels'],
    );
  });

  it('honours a models.layout override', async () => {
    const rows = end2endOutput(10, [[4, 8, 20, 40, 0.9, 0]]);
    const e = await start(
      options(model({ outputs: [{ name: 'output0', dims: [1, 10, 6], data: rows }] }), {
        layout: 'yolov5',
      }),
    );
    assert.deepEqual([e.info.layout, e.info.layoutSource], ['yolov5', 'config']);
  });

  it('reads the first rank-3 output of a model with several outputs', async () => {
    const e = await start(
      options(
        model({
          outputs: [
            { name: 'aux', dims: [1, 2], data: new Float32Array(2) },
            { name: 'dets', dims: [1, 6, 84], data: yolov8Output(2, 84, []) },
          ],
        }),
      ),
    );
    assert.equal(e.info.outputName, 'dets');
    const input = e.prepare(white(64, 64), 64, 64, null);
    assert.deepEqual((await e.infer(input)).dims, [1, 6, 84]);
  });

  describe('bad input', () => {
    it('rejects a missing model file, naming the path and the setting', async () => {
      await expectCode(
        InferenceEngine.open(options(join(dir, 'nope.onnx'))),
        'ADELINE_ERR_MODEL_NOT_FOUND',
        /nope\.onnx does not exist/,
        /models\.local_path/,
      );
    });

    it('rejects a directory as unreadable', async () => {
      const d = join(dir, 'model-dir.onnx');
      mkdirSync(d);
      await expectCode(
        InferenceEngine.open(options(d)),
        'ADELINE_ERR_MODEL_UNREADABLE',
        /is a directory/,
      );
    });

    it('rejects a device file as unreadable (tests run as root, so chmod 000 would not stop a read)', async () => {
      await expectCode(
        InferenceEngine.open(options('/dev/null')),
        'ADELINE_ERR_MODEL_UNREADABLE',
        /\/dev\/null is not a regular file/,
      );
    });

    it('rejects corrupt bytes and says how to check the file', async () => {
      const p = join(dir, 'corrupt.onnx');
      writeFileSync(p, 'PK\u0003\u0004 definitely not protobuf');
      await expectCode(
        InferenceEngine.open(options(p)),
        'ADELINE_ERR_MODEL_FORMAT',
        /corrupt\.onnx is not a usable ONNX model/,
        /onnx\.checker\.check_model/,
      );
    });

    it('rejects a truncated model', async () => {
      const bytes = constantModel({
        outputs: [{ name: 'output0', dims: [1, 6, 84], data: new Float32Array(504) }],
      });
      const p = writeModel(dir, 'truncated.onnx', bytes.subarray(0, bytes.length - 100));
      await expectCode(InferenceEngine.open(options(p)), 'ADELINE_ERR_MODEL_FORMAT', /truncated/);
    });

    it('rejects a model ONNX Runtime cannot load', async () => {
      const p = writeModel(dir, 'unloadable.onnx', unloadableModel());
      await expectCode(
        InferenceEngine.open(options(p)),
        'ADELINE_ERR_MODEL_FORMAT',
        /ONNX Runtime cannot load it/,
        /NoSuchOperator/,
      );
    });

    it('rejects a model whose output [1, 7] matches no layout, listing what it found', async () => {
      const p = model({ outputs: [{ name: 'logits', dims: [1, 7], data: new Float32Array(7) }] });
      await expectCode(
        InferenceEngine.open(options(p)),
        'ADELINE_ERR_MODEL_LAYOUT',
        /logits float32 \[1, 7\]/,
        /models\.layout/,
      );
    });

    it('rejects a labels file whose count does not match the model', async () => {
      const labels = join(dir, 'three.txt');
      writeFileSync(labels, 'a\nb\nc\n');
      await expectCode(
        InferenceEngine.open(options(v8Model(), { labelsFile: labels })),
        'ADELINE_ERR_LABELS',
        /3 names but the model outputs 2 classes/,
      );
    });

    it('rejects a missing labels file before starting the worker', async () => {
      await expectCode(
        InferenceEngine.open(options(v8Model(), { labelsFile: join(dir, 'none.txt') })),
        'ADELINE_ERR_LABELS',
        /none\.txt does not exist/,
      );
    });

    it('rejects options of the wrong type or out of range', async () => {
      await assert.rejects(InferenceEngine.open(options(3 as unknown as string)), TypeError);
      await assert.rejects(
        InferenceEngine.open(options(v8Model(), { layout: 'yolov9' as 'auto' })),
        /layout must be one of auto, yolov8/,
      );
      await assert.rejects(
        InferenceEngine.open(options(v8Model(), { confidence: 1.5 })),
        RangeError,
      );
      await assert.rejects(
        InferenceEngine.open(options(v8Model(), { poolSize: 0 })),
        /poolSize must be an integer within 1..64/,
      );
    });

    it('closes idempotently and then rejects work', async () => {
      const e = await InferenceEngine.open(options(v8Model()));
      await e.close();
      await e.close();
      assert.throws(
        () => e.prepare(white(64, 64), 64, 64, null),
        (err: unknown) => isAdelineError(err, 'ADELINE_ERR_INFERENCE'),
      );
      await expectCode(e.probe(), 'ADELINE_ERR_INFERENCE', /closed/);
    });
  });
});

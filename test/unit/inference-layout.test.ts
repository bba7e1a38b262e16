import { strict as assert } from 'node:assert';
import { isAdelineError } from '../../src/domain/errors.js';
import {
  detectLayout,
  gridCells,
  looksDecoded,
  type DetectLayoutArgs,
  type OutputShape,
} from '../../src/inference/layout.js';

const out = (...dims: number[]): OutputShape => ({ name: 'output0', type: 'float32', dims });

function detect(outputs: OutputShape[], extra: Partial<DetectLayoutArgs> = {}) {
  return detectLayout({
    modelPath: 'm.onnx',
    outputs,
    inputWidth: 640,
    inputHeight: 640,
    metadata: {},
    metadataClasses: null,
    option: 'auto',
    warmup: () => new Float32Array(0),
    ...extra,
  });
}

/** A [1, N, C] warm-up output whose cx/cy columns hold `xy` for every row. */
function warm(n: number, c: number, xy: (i: number) => number): () => Float32Array {
  const d = new Float32Array(n * c);
  for (let i = 0; i < n; i++) d[i * c] = d[i * c + 1] = xy(i);
  return () => d;
}

describe('layout detection', () => {
  it('counts grid cells at strides 8/16/32', () => {
    assert.equal(gridCells(640, 640), 8400);
    assert.equal(gridCells(320, 320), 2100);
    assert.equal(gridCells(64, 64), 84);
  });

  it('detects Ultralytics YOLOv8/YOLO11 [1, 84, 8400]', () => {
    const p = detect([out(1, 84, 8400)]);
    assert.deepEqual(
      [p.layout, p.source, p.numClasses, p.candidates, p.gridDecode],
      ['yolov8', 'detected', 80, 8400, false],
    );
  });

  it('detects a one-class YOLOv8 [1, 5, 8400]', () => {
    assert.equal(detect([out(1, 5, 8400)]).layout, 'yolov8');
  });

  it('detects YOLOv5 [1, 25200, 85] (three anchors per cell)', () => {
    const p = detect([out(1, 25200, 85)]);
    assert.deepEqual([p.layout, p.numClasses, p.candidates], ['yolov5', 80, 25200]);
  });

  it('detects a one-class YOLOv5 [1, 25200, 6] (and P6 [1, 25500, 6]) rather than end2end', () => {
    assert.equal(detect([out(1, 25200, 6)]).layout, 'yolov5');
    assert.equal(detect([out(1, 25500, 6)]).layout, 'yolov5');
  });

  it('detects a one-class end-to-end [1, 300, 6] even with one metadata name', () => {
    assert.equal(detect([out(1, 300, 6)], { metadataClasses: 1 }).layout, 'end2end');
  });

  it('detects decoded YOLOX [1, 8400, 85] from pixel-sized cx/cy', () => {
    const p = detect([out(1, 8400, 85)], { warmup: warm(8400, 85, (i) => (i % 80) * 8) });
    assert.deepEqual([p.layout, p.gridDecode], ['yolox', false]);
  });

  it('detects raw YOLOX [1, 8400, 85] from small cell offsets, and decodes it', () => {
    const p = detect([out(1, 8400, 85)], { warmup: warm(8400, 85, () => 0.7) });
    assert.deepEqual([p.layout, p.gridDecode], ['yolox', true]);
  });

  it('lets metadata decode_in_inference decide raw or decoded YOLOX', () => {
    const raw = warm(8400, 85, () => 0.5);
    assert.equal(
      detect([out(1, 8400, 85)], { warmup: raw, metadata: { decode_in_inference: 'True' } })
        .gridDecode,
      false,
    );
    const decoded = warm(8400, 85, (i) => i);
    assert.equal(
      detect([out(1, 8400, 85)], { warmup: decoded, metadata: { decode_in_inference: 'False' } })
        .gridDecode,
      true,
    );
  });

  it('detects end-to-end [1, 300, 6]', () => {
    const p = detect([out(1, 300, 6)]);
    assert.deepEqual([p.layout, p.numClasses, p.candidates], ['end2end', null, 300]);
  });

  it('uses metadata end2end=True and the metadata class count', () => {
    assert.equal(detect([out(1, 8400, 6)], { metadata: { end2end: 'True' } }).layout, 'end2end');
    // By shape alone [1, 85, 80] would be yolov5 with 75 classes; 81 names make it yolov8 with 80 anchors.
    assert.equal(detect([out(1, 85, 80)]).layout, 'yolov5');
    const p = detect([out(1, 85, 80)], { metadataClasses: 81 });
    assert.deepEqual([p.layout, p.numClasses, p.candidates], ['yolov8', 81, 80]);
  });

  it('picks the first rank-3 output with batch 1 and ignores the others', () => {
    const p = detect([
      { name: 'aux', type: 'float32', dims: [1, 3, 80, 80, 85] },
      { ...out(1, 25200, 85), name: 'output' },
    ]);
    assert.deepEqual([p.outputName, p.outputIndex, p.layout], ['output', 1, 'yolov5']);
  });

  it('honours a models.layout override and reports it as config', () => {
    const p = detect([out(1, 300, 6)], { option: 'yolov5' });
    assert.deepEqual([p.layout, p.source, p.numClasses], ['yolov5', 'config', 1]);
    assert.equal(detect([out(1, 84, 8400)], { option: 'yolov8' }).source, 'config');
  });

  it('reports the yolox values rule: raw when offsets stay under a quarter of the input', () => {
    assert.equal(
      looksDecoded(new Float32Array([150, 150, 1, 1, 1, 1]), [1, 1, 6], 640, 640),
      false,
    );
    assert.equal(looksDecoded(new Float32Array([161, 0, 1, 1, 1, 1]), [1, 1, 6], 640, 640), true);
  });

  it('rejects an output like [1, 7] and lists the outputs, the known layouts and the override', () => {
    assert.throws(
      () => detect([out(1, 7)]),
      (e: unknown) =>
        isAdelineError(e, 'ADELINE_ERR_MODEL_LAYOUT') &&
        e.message.includes('output0 float32 [1, 7]') &&
        e.message.includes('[1, 4+nc, N]') &&
        e.message.includes('models.layout'),
    );
  });

  it('rejects a rank-3 output that fits no layout, like [1, 4, 4]', () => {
    assert.throws(
      () => detect([out(1, 4, 4)]),
      (e: unknown) => isAdelineError(e, 'ADELINE_ERR_MODEL_LAYOUT'),
    );
  });

  it('rejects an override the shapes cannot fit', () => {
    assert.throws(
      () => detect([out(1, 300, 4)], { option: 'end2end' }),
      /layout end2end needs \[1, K, 6\]/,
    );
    assert.throws(() => detect([out(1, 4, 300)], { option: 'yolov8' }), /layout yolov8 needs/);
    const raw = {
      option: 'yolox' as const,
      warmup: warm(100, 85, () => 0.1),
      metadata: { decode_in_inference: 'False' },
    };
    assert.throws(
      () => detect([out(1, 100, 85)], raw),
      /one row per grid cell at strides 8\/16\/32 \(8400 for 640x640\), got 100/,
    );
  });
});

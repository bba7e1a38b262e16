import { strict as assert } from 'node:assert';
import { Candidates } from '../../src/inference/candidates.js';
import {
  buildGrid,
  decodeEnd2end,
  decodeYolov5,
  decodeYolov8,
} from '../../src/inference/decoders.js';
import { end2endOutput, yolov5Output, yolov8Output } from '../fixtures/onnx-models.js';

const f = Math.fround;

/** The candidates as [x1, y1, x2, y2, score, class] rows, in decode order. */
function rows(c: Candidates): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < c.count; i++)
    out.push([...c.boxes.subarray(i * 4, i * 4 + 4), c.scores[i]!, c.classes[i]!]);
  return out;
}

function assertRows(actual: number[][], expected: number[][]): void {
  assert.equal(actual.length, expected.length, `rows: ${JSON.stringify(actual)}`);
  actual.forEach((r, i) =>
    r.forEach((v, j) =>
      assert.ok(
        Math.abs(v - expected[i]![j]!) < 1e-5,
        `row ${i} col ${j}: ${v} vs ${expected[i]![j]}`,
      ),
    ),
  );
}

describe('output decoders', () => {
  it('decodes YOLOv8 [1, 4+nc, N]: best class per anchor, at or above the confidence (golden)', () => {
    const data = yolov8Output(2, 5, [
      { cx: 10, cy: 20, w: 4, h: 6, cls: 1, score: 0.8 },
      { cx: 30, cy: 30, w: 10, h: 10, cls: 0, score: 0.25 },
      { cx: 40, cy: 40, w: 2, h: 2, cls: 1, score: 0.2 },
    ]);
    data[4 * 5 + 0] = 0.1; // anchor 0 also scores 0.1 for class 0: class 1 wins
    data[5 * 5 + 1] = 0.2; // anchor 1 scores 0.2 for class 1: class 0 wins
    const c = new Candidates();
    decodeYolov8(data, 2, 5, 0.25, c);
    assert.deepEqual(rows(c), [
      [8, 17, 12, 23, f(0.8), 1],
      [25, 25, 35, 35, 0.25, 0],
    ]);
  });

  it('decodes YOLOv5 [1, N, 5+nc]: score = objectness x best class (golden)', () => {
    const data = yolov5Output(3, 4, [
      { cx: 50, cy: 50, w: 20, h: 10, obj: 0.9, cls: 2, score: 0.9 },
      { cx: 10, cy: 10, w: 2, h: 2, obj: 0.2, cls: 1, score: 1 },
      { cx: 30, cy: 20, w: 8, h: 4, obj: 0.5, cls: 0, score: 0.6 },
      { cx: 5, cy: 5, w: 2, h: 2, obj: 0.9, cls: 0, score: 0.2 },
    ]);
    data[5] = 0.1; // row 0 class 0
    data[6] = 0.5; // row 0 class 1
    const c = new Candidates(2);
    decodeYolov5(data, 3, 4, 0.25, c);
    assertRows(rows(c), [
      [40, 45, 60, 55, 0.81, 2],
      [26, 18, 34, 22, 0.3, 0],
    ]);
  });

  it('decodes raw YOLOX outputs through the grid and the strides 8/16/32 (golden)', () => {
    const grid = buildGrid(64, 64);
    assert.equal(grid.stride.length, 84);
    assert.deepEqual([grid.gx[9], grid.gy[9], grid.stride[9]], [1, 1, 8]);
    assert.deepEqual([grid.gx[69], grid.gy[69], grid.stride[69]], [1, 1, 16]);
    assert.deepEqual([grid.gx[83], grid.gy[83], grid.stride[83]], [1, 1, 32]);
    const data = yolov5Output(
      2,
      84,
      [
        { cx: 0.5, cy: 0.25, w: 0, h: 0, cls: 0, score: 0.9 },
        { cx: 0, cy: 0, w: Math.log(2), h: 0, cls: 1, score: 0.8 },
        { cx: 0.5, cy: 0.5, w: 0, h: 0, cls: 1, score: 0.7 },
      ],
      [9, 69, 83],
    );
    const c = new Candidates();
    decodeYolov5(data, 2, 84, 0.25, c, grid);
    // cx = (x + gx)·s, cy = (y + gy)·s, w = exp(w)·s, h = exp(h)·s
    assertRows(rows(c), [
      [8, 6, 16, 14, 0.9, 0],
      [0, 8, 32, 24, 0.8, 1],
      [32, 32, 64, 64, 0.7, 1],
    ]);
  });

  it('decodes end-to-end [1, K, 6] rows as corner boxes with a class value (golden)', () => {
    const data = end2endOutput(4, [
      [10, 20, 30, 40, 0.9, 1],
      [0, 0, 5, 5, 0.1, 0],
      [1, 2, 3, 4, 0.5, 2.0000001],
    ]);
    const c = new Candidates();
    decodeEnd2end(data, 4, 6, 0.25, c);
    assertRows(rows(c), [
      [10, 20, 30, 40, 0.9, 1],
      [1, 2, 3, 4, 0.5, 2],
    ]);
  });

  it('grows its buffers once and reuses them frame after frame', () => {
    const c = new Candidates(1);
    const data = yolov8Output(1, 100, [{ cx: 1, cy: 1, w: 2, h: 2, cls: 0, score: 1 }]);
    decodeYolov8(data, 1, 100, 0.5, c);
    const boxes = c.boxes;
    decodeYolov8(data, 1, 100, 0.5, c);
    assert.equal(c.boxes, boxes);
    assert.equal(c.count, 1);
  });

  it('ignores NaN scores instead of letting them through', () => {
    const data = yolov8Output(1, 2, [{ cx: 1, cy: 1, w: 2, h: 2, cls: 0, score: Number.NaN }]);
    const c = new Candidates();
    decodeYolov8(data, 1, 2, 0.25, c);
    assert.equal(c.count, 0);
  });

  it('rejects an output shorter than its shape says', () => {
    const c = new Candidates();
    assert.throws(() => decodeYolov8(new Float32Array(10), 2, 5, 0.25, c), /needs 30/);
    assert.throws(() => decodeYolov5(new Float32Array(10), 2, 5, 0.25, c), /needs 35/);
    assert.throws(() => decodeEnd2end(new Float32Array(10), 2, 6, 0.25, c), /needs 12/);
  });

  it('rejects a raw YOLOX output whose rows do not match the grid', () => {
    assert.throws(
      () =>
        decodeYolov5(new Float32Array(7 * 80), 2, 80, 0.25, new Candidates(), buildGrid(64, 64)),
      /84 cells/,
    );
  });
});

import { strict as assert } from 'node:assert';
import { Candidates } from '../../src/inference/candidates.js';
import { nms } from '../../src/inference/nms.js';

type Row = [number, number, number, number, number, number];

function candidates(rows: Row[]): Candidates {
  const c = new Candidates(rows.length);
  for (const r of rows) c.push(...r);
  return c;
}

function kept(c: Candidates): number[] {
  return Array.from(c.kept.subarray(0, c.keptCount));
}

const ROWS: Row[] = [
  [0, 0, 10, 10, 0.9, 0], // 0: best of class 0
  [1, 1, 11, 11, 0.8, 0], // 1: IoU 0.68 with 0 → suppressed
  [1, 1, 11, 11, 0.85, 1], // 2: same place, other class → kept
  [20, 20, 30, 30, 0.7, 0], // 3: disjoint → kept
  [0, 0, 10, 5, 0.6, 0], // 4: IoU 0.5 with 0 → suppressed
  [0, 0, 10, 4.5, 0.55, 0], // 5: IoU exactly 0.45 with 0 → kept (suppression needs IoU > threshold)
  [50, 50, 60, 60, 0.5, 3], // 6: tie with 7, lower index wins
  [50, 50, 60, 60, 0.5, 3], // 7: identical → suppressed
];

describe('per-class NMS', () => {
  it('keeps the best box per cluster and class, best first (golden)', () => {
    const c = candidates(ROWS);
    assert.equal(nms(c, 0.45), 5);
    assert.deepEqual(kept(c), [0, 2, 3, 5, 6]);
  });

  it('suppresses more with a lower IoU threshold', () => {
    const c = candidates(ROWS);
    nms(c, 0.3);
    assert.deepEqual(kept(c), [0, 2, 3, 6]);
  });

  it('keeps everything at IoU threshold 1, ordered by score', () => {
    const c = candidates(ROWS);
    nms(c, 1);
    assert.deepEqual(kept(c), [0, 2, 1, 3, 4, 5, 6, 7]);
  });

  it('stops at maxDetections', () => {
    const c = candidates(ROWS);
    assert.equal(nms(c, 0.45, 2), 2);
    assert.deepEqual(kept(c), [0, 2]);
  });

  it('returns nothing for no candidates', () => {
    const c = new Candidates(4);
    assert.equal(nms(c, 0.45), 0);
  });

  it('reuses its buffers across calls without stale results', () => {
    const c = candidates(ROWS);
    nms(c, 0.45);
    c.reset();
    c.push(5, 5, 6, 6, 0.4, 2);
    nms(c, 0.45);
    assert.deepEqual(kept(c), [0]);
  });

  it('rejects an IoU threshold outside 0..1 or NaN', () => {
    assert.throws(() => nms(candidates(ROWS), 1.5), RangeError);
    assert.throws(() => nms(candidates(ROWS), Number.NaN), RangeError);
  });
});

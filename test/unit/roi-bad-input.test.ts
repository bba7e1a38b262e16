/** Bad input at the ROI API edge: TypeError for wrong types, RangeError naming the parameter. */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Detection } from '../../src/domain/detection.js';
import { createRoiStrategy, type RoiStrategyConfig } from '../../src/roi/index.js';

const det = (x1: number, y1: number, x2: number, y2: number): Detection => ({
  classId: 0,
  className: 'person',
  confidence: 0.9,
  box: { x1, y1, x2, y2 },
});
const section = (roi: Record<string, unknown> = { mode: 'adaptive' }): RoiStrategyConfig =>
  ConfigSchema.parse({ roi_strategy: roi }).roi_strategy;

describe('ROI strategy: bad input', () => {
  const s = createRoiStrategy(section(), 320);

  it('rejects a zero-size frame with a RangeError naming width or height', () => {
    assert.throws(() => s.roiFor(0, 0, 1080), {
      name: 'RangeError',
      message: /width .*>= 1, got 0/,
    });
    assert.throws(() => s.update(0, [], 1920, 0), { name: 'RangeError', message: /height/ });
    assert.throws(() => s.roiMetrics(null, -5, 10), { name: 'RangeError', message: /width/ });
    assert.throws(() => s.roiFor(0, 19.5, 10), { name: 'RangeError', message: /width/ });
  });

  it('rejects a frame size that is not a number with a TypeError', () => {
    assert.throws(() => s.roiFor(0, '1920' as unknown as number, 1080), {
      name: 'TypeError',
      message: /width/,
    });
  });

  it('rejects a negative or fractional source id', () => {
    assert.throws(() => s.roiFor(-1, 1920, 1080), { name: 'RangeError', message: /sourceId/ });
    assert.throws(() => s.reset(0.5), { name: 'RangeError', message: /sourceId/ });
  });

  it('rejects NaN and infinite box coordinates, naming the detection and the coordinate', () => {
    assert.throws(() => s.update(0, [det(1, 1, 5, 5), det(NaN, 1, 5, 5)], 1920, 1080), {
      name: 'RangeError',
      message: /detections\[1\]\.box\.x1 must be a finite number, got NaN/,
    });
    assert.throws(() => s.update(0, [det(1, 1, 5, Infinity)], 1920, 1080), {
      message: /detections\[0\]\.box\.y2/,
    });
  });

  it('rejects a box with a negative width or height', () => {
    assert.throws(() => s.update(0, [det(100, 100, 50, 200)], 1920, 1080), {
      name: 'RangeError',
      message: /detections\[0\]\.box\.x2 \(50\) must be >= box\.x1 \(100\)/,
    });
    assert.throws(() => s.update(0, [det(100, 100, 200, 99)], 1920, 1080), { message: /box\.y2/ });
  });

  it('rejects detections that are not an array, or a detection without a box', () => {
    assert.throws(() => s.update(0, null as unknown as Detection[], 1920, 1080), {
      name: 'TypeError',
    });
    assert.throws(() => s.update(0, [{ classId: 0 } as Detection], 1920, 1080), {
      name: 'TypeError',
      message: /detections\[0\]\.box/,
    });
  });

  it('leaves the ROI unchanged after a rejected update', () => {
    const t = createRoiStrategy(section(), 320);
    t.update(0, [det(860, 340, 1060, 740)], 1920, 1080);
    assert.throws(() => t.update(0, [det(NaN, 0, 1, 1)], 1920, 1080), RangeError);
    assert.deepEqual(t.roiFor(0, 1920, 1080), { x1: 420, y1: 0, x2: 1500, y2: 1080 });
  });

  it('clips boxes that stick out of the frame instead of rejecting them', () => {
    const t = createRoiStrategy(section(), 320);
    t.update(0, [det(-50, -50, 100, 200)], 1920, 1080);
    assert.deepEqual(t.roiFor(0, 1920, 1080), { x1: 0, y1: 0, x2: 1080, y2: 1080 });
  });

  it('rejects a bad imgsz or a hand-built config out of range', () => {
    assert.throws(() => createRoiStrategy(section(), 0), { name: 'RangeError', message: /imgsz/ });
    const bad = section();
    assert.throws(
      () => createRoiStrategy({ ...bad, adaptive: { ...bad.adaptive, margin: 1.5 } }, 320),
      {
        name: 'RangeError',
        message: /roi_strategy\.adaptive\.margin/,
      },
    );
    assert.throws(
      () =>
        createRoiStrategy(
          { ...bad, adaptive: { ...bad.adaptive, min_roi_multiple: 5, max_roi_multiple: 4 } },
          320,
        ),
      { message: /min_roi_multiple \(5\) must be <= max_roi_multiple \(4\)/ },
    );
    assert.throws(() => createRoiStrategy({ ...bad, fixed: { ...bad.fixed, x_min: 0.9 } }, 320), {
      message: /roi_strategy\.fixed\.x_min/,
    });
    assert.throws(() => createRoiStrategy({ ...bad, mode: 'zoom' as 'none' }, 320), {
      message: /roi_strategy\.mode/,
    });
  });

  it('rejects a non-boolean toggle', () => {
    assert.throws(() => s.setCropEnabled('off' as unknown as boolean), {
      name: 'TypeError',
      message: /enabled/,
    });
  });
});

/**
 * The ROI strategy object: none and fixed modes, roi_metrics (spec §2), toggle_crop, reset and
 * per-source state, with golden values.
 */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Detection } from '../../src/domain/detection.js';
import { isAdelineError } from '../../src/domain/errors.js';
import { createRoiStrategy, type RoiStrategy, type RoiStrategyConfig } from '../../src/roi/index.js';

const person = (x1: number, y1: number, x2: number, y2: number): Detection => ({
  classId: 0,
  className: 'person',
  confidence: 0.9,
  box: { x1, y1, x2, y2 },
});
const BOX = person(860, 340, 1060, 740);

function strategy(roi: Record<string, unknown>, imgsz = 320): RoiStrategy {
  // The zod output of the real config schema is what createRoiStrategy takes.
  const section: RoiStrategyConfig = ConfigSchema.parse({ roi_strategy: roi }).roi_strategy;
  return createRoiStrategy(section, imgsz);
}

describe('ROI strategy: none and fixed', () => {
  it('never crops and publishes no roi_metrics in mode none', () => {
    const s = strategy({});
    s.update(0, [BOX], 1920, 1080);
    assert.equal(s.mode, 'none');
    assert.equal(s.roiFor(0, 1920, 1080), null);
    assert.equal(s.roiMetrics(null, 1920, 1080), null);
    assert.equal(s.cropEnabled(), false);
  });

  it('maps the default fixed fractions 0.2–0.8 to 384,216–1536,864 in 1920×1080', () => {
    assert.deepEqual(strategy({ mode: 'fixed' }).roiFor(0, 1920, 1080), { x1: 384, y1: 216, x2: 1536, y2: 864 });
  });

  it('floors the fixed fractions per frame shape (1280×720 and 641×479)', () => {
    const s = strategy({ mode: 'fixed' });
    assert.deepEqual(s.roiFor(0, 1280, 720), { x1: 256, y1: 144, x2: 1024, y2: 576 });
    assert.deepEqual(s.roiFor(3, 641, 479), { x1: 128, y1: 95, x2: 512, y2: 383 });
    assert.deepEqual(s.roiFor(0, 1280, 720), { x1: 256, y1: 144, x2: 1024, y2: 576 });
  });

  it('uses the full frame when the fixed ROI is the whole frame or floors to nothing', () => {
    assert.equal(strategy({ mode: 'fixed', fixed: { x_min: 0, y_min: 0, x_max: 1, y_max: 1 } }).roiFor(0, 640, 480), null);
    const thin = strategy({ mode: 'fixed', fixed: { x_min: 0.2, y_min: 0.2, x_max: 0.3, y_max: 0.3 } });
    assert.equal(thin.roiFor(0, 2, 2), null);
  });

  it('ignores detections and reset in fixed mode, and refuses toggle_crop as not applicable', () => {
    const s = strategy({ mode: 'fixed' });
    s.update(0, [BOX], 1920, 1080);
    s.reset();
    assert.deepEqual(s.roiFor(0, 1920, 1080), { x1: 384, y1: 216, x2: 1536, y2: 864 });
    assert.equal(s.cropEnabled(), true);
    assert.throws(() => s.setCropEnabled(false), (e) => isAdelineError(e, 'ADELINE_ERR_COMMAND_NOT_APPLICABLE'));
    assert.throws(() => strategy({}).setCropEnabled(true), /current mode: none/);
  });

  it('publishes fixed roi_metrics with performance.imgsz null', () => {
    const s = strategy({ mode: 'fixed' });
    assert.deepEqual(s.roiMetrics(s.roiFor(0, 1920, 1080), 1920, 1080), {
      enabled: true,
      crop_applied: true,
      crop_offset: [384, 216],
      roi: { x1: 384, y1: 216, x2: 1536, y2: 864, width: 1152, height: 648, area: 746496, is_square: false },
      performance: {
        imgsz: null,
        size_multiple: 3.6,
        crop_ratio: 0.36,
        pixel_reduction: 1 - 0.36,
        frame_size: { height: 1080, width: 1920 },
      },
    });
  });

  it('publishes no roi_metrics for fixed when show_overlay is off', () => {
    const s = strategy({ mode: 'fixed', fixed: { show_overlay: false } });
    assert.equal(s.roiMetrics(s.roiFor(0, 1920, 1080), 1920, 1080), null);
  });
});

describe('ROI strategy: adaptive state, metrics, toggle and reset', () => {
  it('publishes the worked-example roi_metrics: a 1080 square, size_multiple 3.375', () => {
    const s = strategy({ mode: 'adaptive' });
    s.update(0, [BOX], 1920, 1080);
    assert.deepEqual(s.roiMetrics(s.roiFor(0, 1920, 1080), 1920, 1080), {
      enabled: true,
      crop_applied: true,
      crop_offset: [420, 0],
      roi: { x1: 420, y1: 0, x2: 1500, y2: 1080, width: 1080, height: 1080, area: 1166400, is_square: true },
      performance: {
        imgsz: 320,
        size_multiple: 3.375,
        crop_ratio: 0.5625,
        pixel_reduction: 0.4375,
        frame_size: { height: 1080, width: 1920 },
      },
    });
  });

  it('publishes the no-crop roi_metrics: roi null, size_multiple 0, crop_ratio 1, pixel_reduction 0', () => {
    assert.deepEqual(strategy({ mode: 'adaptive' }).roiMetrics(null, 640, 480), {
      enabled: true,
      crop_applied: false,
      crop_offset: [0, 0],
      roi: null,
      performance: { imgsz: 320, size_multiple: 0, crop_ratio: 1, pixel_reduction: 0, frame_size: { height: 480, width: 640 } },
    });
  });

  it('publishes no roi_metrics when adaptive show_statistics is off', () => {
    assert.equal(strategy({ mode: 'adaptive', adaptive: { show_statistics: false } }).roiMetrics(null, 640, 480), null);
  });

  it('goes back to the full frame at once on a frame with no detections', () => {
    const s = strategy({ mode: 'adaptive' });
    s.update(0, [BOX], 1920, 1080);
    assert.notEqual(s.roiFor(0, 1920, 1080), null);
    s.update(0, [], 1920, 1080);
    assert.equal(s.roiFor(0, 1920, 1080), null);
  });

  it('keeps one ROI per source', () => {
    const s = strategy({ mode: 'adaptive' });
    s.update(0, [BOX], 1920, 1080);
    s.update(1, [person(0, 400, 100, 600)], 1920, 1080);
    assert.deepEqual(s.roiFor(0, 1920, 1080), { x1: 420, y1: 0, x2: 1500, y2: 1080 });
    assert.deepEqual(s.roiFor(1, 1920, 1080), { x1: 0, y1: 0, x2: 1080, y2: 1080 });
    assert.equal(s.roiFor(2, 1920, 1080), null);
  });

  it('drops an ROI when the source changes resolution', () => {
    const s = strategy({ mode: 'adaptive' });
    s.update(0, [BOX], 1920, 1080);
    assert.equal(s.roiFor(0, 1280, 720), null);
    assert.equal(s.roiFor(0, 1920, 1080), null);
  });

  it('resets one source or every source to the full frame, and does not smooth across a reset', () => {
    const s = strategy({ mode: 'adaptive' });
    s.update(0, [BOX], 1920, 1080);
    s.update(1, [BOX], 1920, 1080);
    s.reset(0);
    assert.equal(s.roiFor(0, 1920, 1080), null);
    assert.notEqual(s.roiFor(1, 1920, 1080), null);
    s.reset();
    assert.equal(s.roiFor(1, 1920, 1080), null);
    s.update(1, [person(1160, 340, 1360, 740)], 1920, 1080);
    assert.deepEqual(s.roiFor(1, 1920, 1080), { x1: 720, y1: 0, x2: 1800, y2: 1080 });
  });

  it('toggle_crop off resets every source and stops cropping; on crops again from the next update', () => {
    const s = strategy({ mode: 'adaptive' });
    s.update(0, [BOX], 1920, 1080);
    s.update(1, [BOX], 1920, 1080);
    s.setCropEnabled(false);
    assert.equal(s.cropEnabled(), false);
    assert.equal(s.roiFor(0, 1920, 1080), null);
    assert.equal(s.roiMetrics(null, 1920, 1080)?.enabled, false);
    // Detections of the full frames keep feeding the state while cropping is off (as in Python).
    s.update(0, [person(1160, 340, 1360, 740)], 1920, 1080);
    assert.equal(s.roiFor(0, 1920, 1080), null);
    s.setCropEnabled(true);
    assert.equal(s.cropEnabled(), true);
    // Not smoothed with the ROI from before the toggle: that one was reset.
    assert.deepEqual(s.roiFor(0, 1920, 1080), { x1: 720, y1: 0, x2: 1800, y2: 1080 });
    assert.equal(s.roiFor(1, 1920, 1080), null);
  });
});

/**
 * The adaptive ROI strategy object: roi_metrics (spec §2), empty detections, per-source state,
 * toggle_crop and reset, with golden values.
 */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Detection } from '../../src/domain/detection.js';
import {
  createRoiStrategy,
  type RoiStrategy,
  type RoiStrategyConfig,
} from '../../src/roi/index.js';

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

describe('ROI strategy: adaptive state, metrics, toggle and reset', () => {
  it('publishes the worked-example roi_metrics: a 1080 square, size_multiple 3.375', () => {
    const s = strategy({ mode: 'adaptive' });
    s.update(0, [BOX], 1920, 1080);
    assert.deepEqual(s.roiMetrics(s.roiFor(0, 1920, 1080), 1920, 1080), {
      enabled: true,
      crop_applied: true,
      crop_offset: [420, 0],
      roi: {
        x1: 420,
        y1: 0,
        x2: 1500,
        y2: 1080,
        width: 1080,
        height: 1080,
        area: 1166400,
        is_square: true,
      },
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
      performance: {
        imgsz: 320,
        size_multiple: 0,
        crop_ratio: 1,
        pixel_reduction: 0,
        frame_size: { height: 480, width: 640 },
      },
    });
  });

  it('publishes no roi_metrics when adaptive show_statistics is off', () => {
    assert.equal(
      strategy({ mode: 'adaptive', adaptive: { show_statistics: false } }).roiMetrics(
        null,
        640,
        480,
      ),
      null,
    );
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

/**
 * The ROI strategy in modes none and fixed: golden fixed pixel values per frame shape, their
 * roi_metrics (spec §2), and toggle_crop refused as not applicable.
 */
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Detection } from '../../src/domain/detection.js';
import { isAdelineError } from '../../src/domain/errors.js';
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
    assert.deepEqual(strategy({ mode: 'fixed' }).roiFor(0, 1920, 1080), {
      x1: 384,
      y1: 216,
      x2: 1536,
      y2: 864,
    });
  });

  it('floors the fixed fractions per frame shape (1280×720 and 641×479)', () => {
    const s = strategy({ mode: 'fixed' });
    assert.deepEqual(s.roiFor(0, 1280, 720), { x1: 256, y1: 144, x2: 1024, y2: 576 });
    assert.deepEqual(s.roiFor(3, 641, 479), { x1: 128, y1: 95, x2: 512, y2: 383 });
    assert.deepEqual(s.roiFor(0, 1280, 720), { x1: 256, y1: 144, x2: 1024, y2: 576 });
  });

  it('uses the full frame when the fixed ROI is the whole frame or floors to nothing', () => {
    assert.equal(
      strategy({ mode: 'fixed', fixed: { x_min: 0, y_min: 0, x_max: 1, y_max: 1 } }).roiFor(
        0,
        640,
        480,
      ),
      null,
    );
    const thin = strategy({
      mode: 'fixed',
      fixed: { x_min: 0.2, y_min: 0.2, x_max: 0.3, y_max: 0.3 },
    });
    assert.equal(thin.roiFor(0, 2, 2), null);
  });

  it('ignores detections and reset in fixed mode, and refuses toggle_crop as not applicable', () => {
    const s = strategy({ mode: 'fixed' });
    s.update(0, [BOX], 1920, 1080);
    s.reset();
    assert.deepEqual(s.roiFor(0, 1920, 1080), { x1: 384, y1: 216, x2: 1536, y2: 864 });
    assert.equal(s.cropEnabled(), true);
    assert.throws(
      () => s.setCropEnabled(false),
      (e) => isAdelineError(e, 'ADELINE_ERR_COMMAND_NOT_APPLICABLE'),
    );
    assert.throws(() => strategy({}).setCropEnabled(true), /current mode: none/);
  });

  it('publishes fixed roi_metrics with performance.imgsz null', () => {
    const s = strategy({ mode: 'fixed' });
    assert.deepEqual(s.roiMetrics(s.roiFor(0, 1920, 1080), 1920, 1080), {
      enabled: true,
      crop_applied: true,
      crop_offset: [384, 216],
      roi: {
        x1: 384,
        y1: 216,
        x2: 1536,
        y2: 864,
        width: 1152,
        height: 648,
        area: 746496,
        is_square: false,
      },
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

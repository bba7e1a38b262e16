/**
 * The ROI strategy of roi_strategy.mode (ADELINE-SPEC.md §4): none, fixed or adaptive, with the
 * adaptive per-source state, the toggle_crop flag and the roi_metrics of each frame.
 * Pure state: no I/O, no telemetry; the pipeline calls it once or twice per frame.
 */
import type { Detection } from '../domain/detection.js';
import { AdelineError } from '../domain/errors.js';
import type { RoiMetrics } from '../domain/frame-result.js';
import type { Roi, RoiMode } from '../domain/roi.js';
import { nextAdaptiveRoi, type AdaptiveRoiParams } from './adaptive-roi.js';
import { createFixedRoiCache } from './fixed-roi.js';
import { roiMetricsOf } from './roi-metrics.js';
import { checkRoiConfig, type RoiStrategyConfig } from './roi-config.js';
import { checkDetections, checkFrameSize, checkSourceId } from './validate-input.js';

export type { RoiStrategyConfig } from './roi-config.js';

export interface RoiStrategy {
  readonly mode: RoiMode;
  /** ROI to crop frame N of the source with; null = full frame (no crop). */
  roiFor(sourceId: number, width: number, height: number): Roi | null;
  /** Feeds the raw detections of a frame (source-frame pixels); adaptive only, else a no-op. */
  update(sourceId: number, detections: readonly Detection[], width: number, height: number): void;
  /** toggle_crop. Off resets every source to the full frame. Throws unless mode is adaptive. */
  setCropEnabled(enabled: boolean): void;
  cropEnabled(): boolean;
  /** Back to the full frame for one source, or all sources. */
  reset(sourceId?: number): void;
  /** roi_metrics for the frame cropped with `roi`; null when mode is none or statistics are off. */
  roiMetrics(roi: Roi | null, width: number, height: number): RoiMetrics | null;
}

interface SourceRoi {
  roi: Roi;
  width: number;
  height: number;
}

export function createRoiStrategy(cfg: RoiStrategyConfig, imgsz: number): RoiStrategy {
  checkRoiConfig(cfg, imgsz);
  const mode = cfg.mode;
  const a = cfg.adaptive;
  const params: AdaptiveRoiParams = {
    imgsz,
    margin: a.margin,
    smoothing: a.smoothing,
    minMultiple: a.min_roi_multiple,
    maxMultiple: a.max_roi_multiple,
  };
  const fixedRoi = createFixedRoiCache(cfg.fixed);
  const bySource = new Map<number, SourceRoi>();
  let enabled = mode !== 'none';
  const showStats =
    mode === 'adaptive' ? a.show_statistics : mode === 'fixed' ? cfg.fixed.show_overlay : false;

  return {
    mode,
    roiFor(sourceId, width, height) {
      checkSourceId(sourceId);
      checkFrameSize(width, height);
      if (mode === 'fixed') return fixedRoi(width, height);
      if (mode === 'none' || !enabled) return null;
      const s = bySource.get(sourceId);
      if (s === undefined) return null;
      if (s.width !== width || s.height !== height) {
        // The source changed resolution: an ROI of the old shape may not fit; start over.
        bySource.delete(sourceId);
        return null;
      }
      return s.roi;
    },
    update(sourceId, detections, width, height) {
      checkSourceId(sourceId);
      checkFrameSize(width, height);
      checkDetections(detections);
      if (mode !== 'adaptive') return;
      const prev = bySource.get(sourceId);
      const prevRoi =
        prev !== undefined && prev.width === width && prev.height === height ? prev.roi : null;
      const roi = nextAdaptiveRoi(prevRoi, detections, width, height, params);
      if (roi === null) bySource.delete(sourceId);
      else bySource.set(sourceId, { roi: Object.freeze(roi), width, height });
    },
    setCropEnabled(on) {
      if (typeof on !== 'boolean')
        throw new TypeError(`enabled must be a boolean, got ${typeof on}`);
      if (mode !== 'adaptive') {
        throw new AdelineError(
          'ADELINE_ERR_COMMAND_NOT_APPLICABLE',
          `toggle_crop applies only to roi_strategy.mode adaptive (current mode: ${mode}); set roi_strategy.mode: adaptive to use it`,
        );
      }
      if (!on) bySource.clear();
      enabled = on;
    },
    cropEnabled: () => enabled,
    reset(sourceId) {
      if (sourceId === undefined) {
        bySource.clear();
        return;
      }
      checkSourceId(sourceId);
      bySource.delete(sourceId);
    },
    roiMetrics(roi, width, height) {
      checkFrameSize(width, height);
      if (!showStats) return null;
      const publishedImgsz = mode === 'adaptive' ? imgsz : null;
      return roiMetricsOf(roi, width, height, { enabled, publishedImgsz, imgsz });
    },
  };
}

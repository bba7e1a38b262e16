/**
 * The detection_stabilization config section as this module reads it: the shape of the zod output
 * of src/config/schema.ts (`AdelineConfig['detection_stabilization']` is assignable to it; a unit
 * test checks this), declared here because stabilization/ may import only domain/.
 */
export interface StabilizationConfig {
  mode: 'none' | 'temporal';
  temporal: { min_frames: number; max_gap: number };
  hysteresis: { appear_confidence: number; persist_confidence: number };
  iou: { threshold: number };
}

function prob(name: string, v: number): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new RangeError(
      `detection_stabilization.${name} must be a number in [0, 1], got ${String(v)}`,
    );
  }
}

/** Re-checks what the config schema guarantees, for callers that build the section by hand. */
export function checkStabilizationConfig(cfg: StabilizationConfig): void {
  if (cfg.mode !== 'none' && cfg.mode !== 'temporal') {
    throw new RangeError(
      `detection_stabilization.mode must be none or temporal, got ${String(cfg.mode)}`,
    );
  }
  const t = cfg.temporal;
  if (!Number.isInteger(t.min_frames) || t.min_frames < 1) {
    throw new RangeError(
      `detection_stabilization.temporal.min_frames must be an integer >= 1, got ${t.min_frames}`,
    );
  }
  if (!Number.isInteger(t.max_gap) || t.max_gap < 0) {
    throw new RangeError(
      `detection_stabilization.temporal.max_gap must be an integer >= 0, got ${t.max_gap}`,
    );
  }
  const h = cfg.hysteresis;
  prob('hysteresis.appear_confidence', h.appear_confidence);
  prob('hysteresis.persist_confidence', h.persist_confidence);
  prob('iou.threshold', cfg.iou.threshold);
  if (h.persist_confidence > h.appear_confidence) {
    throw new RangeError(
      `detection_stabilization.hysteresis.persist_confidence (${h.persist_confidence}) must be <= appear_confidence (${h.appear_confidence})`,
    );
  }
}

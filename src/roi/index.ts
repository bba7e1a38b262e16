/** Public API of the ROI strategies (ADELINE-SPEC.md §4); see docs/roi-and-stabilization.md. */
export { createRoiStrategy, type RoiStrategy, type RoiStrategyConfig } from './roi-strategy.js';
export { MIN_ROI_AREA_RATIO } from './adaptive-roi.js';

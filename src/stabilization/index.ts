/** Public API of detection stabilisation (ADELINE-SPEC.md §5); see docs/roi-and-stabilization.md. */
export { createStabilizer, type Stabilizer } from './temporal-stabilizer.js';
export type { StabilizationConfig } from './stabilization-config.js';
export type { TrackSnapshot } from './track.js';

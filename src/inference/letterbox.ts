/**
 * The Ultralytics letterbox (RGB, 0..1, centred on grey 114) as a reusable object: what the
 * service did before preprocessing became part of the model contract, kept for callers that
 * want exactly that (bench/, tests). It is preprocess() with ULTRALYTICS_PREPROCESS.
 */
import type { Roi } from '../domain/roi.js';
import {
  checkInputSize,
  inputGeometry,
  preprocess,
  ResampleCache,
  type BoxMapping,
} from './preprocess.js';
import { ULTRALYTICS_PREPROCESS } from './preprocess-spec.js';

export { mapBoxToFrame } from './preprocess.js';

/** The Ultralytics padding value as a 0..1 tensor value. */
export const PAD_VALUE = 114 / 255;

/** How model-input pixels relate to source-frame pixels (the BoxMapping of preprocess()). */
export type LetterboxTransform = BoxMapping;

/** Where the resized crop sits inside the input (Ultralytics rounding: size rounds, padding floors). */
export function letterboxGeometry(
  cropWidth: number,
  cropHeight: number,
  inputWidth: number,
  inputHeight: number,
): { resizedWidth: number; resizedHeight: number; padX: number; padY: number } {
  return inputGeometry(ULTRALYTICS_PREPROCESS, cropWidth, cropHeight, inputWidth, inputHeight);
}

/** Letterboxes frames into reused tensors; keeps the resampling tables of the last geometry. */
export class Letterboxer {
  private readonly cache = new ResampleCache();

  constructor(
    readonly inputWidth: number,
    readonly inputHeight: number,
  ) {
    checkInputSize(inputWidth, inputHeight);
  }

  /** Writes the letterboxed frame into `dst` (length 3·W·H) and returns its transform. */
  run(
    data: Uint8Array,
    width: number,
    height: number,
    roi: Roi | null,
    dst: Float32Array,
  ): LetterboxTransform {
    return preprocess(
      ULTRALYTICS_PREPROCESS,
      { data, width, height },
      roi,
      { data: dst, width: this.inputWidth, height: this.inputHeight },
      this.cache,
    );
  }
}

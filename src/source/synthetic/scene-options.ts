/** Options of the synthetic scene (config section `synthetic`). */
export interface SceneOptions {
  /** Frame width, pixels (64..4096). */
  readonly width: number;
  /** Frame height, pixels (64..4096). */
  readonly height: number;
  /** Frames per second of scene time (0.1..240): motion per frame is speed / fps. */
  readonly fps: number;
  /** Scene seed (integer 0..2^32-1): the same seed gives the same frames. */
  readonly seed: number;
  /** Most figures in the scene at once (0..16). */
  readonly maxFigures: number;
  /** Chance that a figure falls during its visit (0..1). */
  readonly fallProbability: number;
}

function checkNumber(
  owner: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  integer: boolean,
): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${owner}: ${name} must be a number, got ${typeof value}`);
  }
  if (value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new RangeError(`${owner}: ${name} must be ${kind} in ${min}..${max}, got ${value}`);
  }
}

/** Throws TypeError for a wrong type and RangeError (naming the option) for a value out of range. */
export function validateSceneOptions(owner: string, o: SceneOptions): void {
  if (typeof o !== 'object' || o === null)
    throw new TypeError(`${owner}: options must be an object`);
  checkNumber(owner, 'width', o.width, 64, 4096, true);
  checkNumber(owner, 'height', o.height, 64, 4096, true);
  checkNumber(owner, 'fps', o.fps, 0.1, 240, false);
  checkNumber(owner, 'seed', o.seed, 0, 2 ** 32 - 1, true);
  checkNumber(owner, 'maxFigures', o.maxFigures, 0, 16, true);
  checkNumber(owner, 'fallProbability', o.fallProbability, 0, 1, false);
}

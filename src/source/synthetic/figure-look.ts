import type { Prng } from './prng.js';
import type { Rgb } from './raster.js';

/** How one figure looks: clothing colours, skin, hair and build. */
export interface FigureLook {
  readonly skin: Rgb;
  readonly hair: Rgb;
  /** 0 short hair, 1 long hair, 2 bald, 3 hat. */
  readonly hairStyle: number;
  readonly shirt: Rgb;
  readonly sleeve: Rgb;
  readonly trousers: Rgb;
  readonly shoes: Rgb;
  /** Width factor, 0.85..1.2. */
  readonly build: number;
}

const SKIN: readonly Rgb[] = [
  [255, 220, 185],
  [240, 195, 160],
  [225, 180, 140],
  [200, 150, 110],
  [160, 110, 75],
  [110, 75, 50],
];
const HAIR: readonly Rgb[] = [
  [30, 25, 20],
  [70, 45, 25],
  [130, 90, 50],
  [200, 170, 110],
  [150, 150, 150],
  [15, 15, 15],
];
const TROUSERS: readonly Rgb[] = [
  [40, 50, 90],
  [30, 30, 35],
  [90, 90, 95],
  [150, 130, 95],
  [60, 45, 35],
  [20, 40, 70],
  [110, 30, 35],
];
const SHOES: readonly Rgb[] = [
  [20, 20, 20],
  [60, 40, 30],
  [225, 225, 225],
  [90, 90, 90],
];

function randomColour(rng: Prng): Rgb {
  return [rng.int(15, 240), rng.int(15, 240), rng.int(15, 240)];
}

export function randomLook(rng: Prng): FigureLook {
  const shirt = randomColour(rng);
  return {
    skin: rng.pick(SKIN),
    hair: rng.pick(HAIR),
    hairStyle: rng.int(0, 3),
    shirt,
    sleeve: rng.chance(0.5) ? shirt : [shirt[0] * 0.8, shirt[1] * 0.8, shirt[2] * 0.8],
    trousers: rng.chance(0.2) ? randomColour(rng) : rng.pick(TROUSERS),
    shoes: rng.pick(SHOES),
    build: rng.range(0.85, 1.2),
  };
}

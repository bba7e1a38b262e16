import type { Prng } from './prng.js';
import type { Rgb } from './raster.js';

/** The scene's static background: rendered once per scene and copied into every frame. */
export interface Room {
  /** RGB24, width * height * 3. */
  readonly pixels: Uint8Array;
  /** First row of the floor; figures stand below it. */
  readonly floorTop: number;
}

const WALLS: readonly Rgb[] = [
  [222, 214, 196],
  [200, 210, 220],
  [232, 226, 214],
  [190, 200, 180],
  [215, 195, 185],
  [170, 175, 185],
  [236, 232, 220],
  [205, 190, 160],
];
const FLOORS: readonly Rgb[] = [
  [150, 110, 75],
  [120, 90, 60],
  [170, 140, 100],
  [128, 128, 128],
  [95, 95, 105],
  [180, 170, 150],
  [110, 70, 50],
];
const FURNITURE: readonly Rgb[] = [
  [90, 60, 40],
  [60, 60, 65],
  [140, 100, 70],
  [200, 200, 195],
  [70, 90, 120],
  [120, 45, 40],
  [45, 70, 50],
];

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function jitter(rng: Prng, c: Rgb, amount: number): Rgb {
  return [
    clamp255(c[0] + rng.range(-amount, amount)),
    clamp255(c[1] + rng.range(-amount, amount)),
    clamp255(c[2] + rng.range(-amount, amount)),
  ];
}

function shade(c: Rgb, f: number): Rgb {
  return [clamp255(c[0] * f), clamp255(c[1] * f), clamp255(c[2] * f)];
}

/** Blends a filled rectangle into the background, keeping some of the texture underneath. */
function rect(room: Uint8Array, w: number, h: number, box: number[], c: Rgb): void {
  const [bx1, by1, bx2, by2] = box.map(Math.round) as [number, number, number, number];
  for (let y = Math.max(0, by1); y < Math.min(h, by2); y++) {
    for (let x = Math.max(0, bx1); x < Math.min(w, bx2); x++) {
      const q = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) room[q + k] = clamp255(c[k]! * 0.85 + room[q + k]! * 0.15);
    }
  }
}

function furnish(px: Uint8Array, w: number, h: number, floorTop: number, rng: Prng): void {
  const count = rng.int(2, 5);
  for (let i = 0; i < count; i++) {
    const kind = rng.int(0, 4);
    const c = jitter(rng, rng.pick(FURNITURE), 20);
    const x = rng.range(-0.05, 0.9) * w;
    if (kind === 0) {
      // window with a frame and a cross bar
      const ww = rng.range(0.12, 0.25) * w;
      const wh = rng.range(0.15, 0.25) * h;
      const y = rng.range(0.05, 0.4) * floorTop;
      rect(px, w, h, [x - 4, y - 4, x + ww + 4, y + wh + 4], [235, 235, 230]);
      rect(px, w, h, [x, y, x + ww, y + wh], jitter(rng, [150, 190, 225], 25));
      rect(px, w, h, [x + ww / 2 - 2, y, x + ww / 2 + 2, y + wh], [235, 235, 230]);
    } else if (kind === 1) {
      // picture frame
      const pw = rng.range(0.06, 0.14) * w;
      const ph = rng.range(0.06, 0.12) * h;
      const y = rng.range(0.1, 0.6) * floorTop;
      rect(px, w, h, [x - 3, y - 3, x + pw + 3, y + ph + 3], shade(c, 0.6));
      rect(px, w, h, [x, y, x + pw, y + ph], jitter(rng, [160, 150, 120], 60));
    } else if (kind === 2) {
      // low cabinet or sofa against the wall
      const cw = rng.range(0.15, 0.3) * w;
      const ch = rng.range(0.08, 0.16) * h;
      const y2 = floorTop + rng.range(0.01, 0.04) * h;
      rect(px, w, h, [x, y2 - ch, x + cw, y2], c);
      rect(px, w, h, [x, y2 - ch, x + cw, y2 - ch + 5], shade(c, 1.25));
    } else if (kind === 3) {
      // table: top and two legs
      const tw = rng.range(0.12, 0.22) * w;
      const ty = floorTop - rng.range(0.02, 0.06) * h;
      const legH = rng.range(0.06, 0.1) * h;
      rect(px, w, h, [x, ty, x + tw, ty + 6], c);
      rect(px, w, h, [x + 4, ty + 6, x + 9, ty + 6 + legH], shade(c, 0.8));
      rect(px, w, h, [x + tw - 9, ty + 6, x + tw - 4, ty + 6 + legH], shade(c, 0.8));
    } else {
      // bookshelf with shelves
      const sw = rng.range(0.08, 0.14) * w;
      const sh = rng.range(0.25, 0.4) * h;
      const y2 = floorTop + 4;
      rect(px, w, h, [x, y2 - sh, x + sw, y2], c);
      for (let s = 1; s < 5; s++) {
        const sy = y2 - (sh * s) / 5;
        rect(px, w, h, [x + 3, sy - 3, x + sw - 3, sy], shade(c, 0.6));
      }
    }
  }
}

/** Renders a room-like background (wall, floor, baseboard, furniture) from the generator. */
export function renderRoom(width: number, height: number, rng: Prng): Room {
  const px = new Uint8Array(width * height * 3);
  const floorTop = Math.round(height * rng.range(0.38, 0.48));
  const wall = jitter(rng, rng.pick(WALLS), 12);
  const floor = jitter(rng, rng.pick(FLOORS), 12);
  const floorKind = rng.int(0, 2); // 0 planks, 1 tiles, 2 carpet
  const stripes = rng.chance(0.4) ? rng.int(12, 40) : 0;
  const rows = rng.int(6, 12);
  const tones = Array.from({ length: 64 }, () => rng.range(0.9, 1.1));
  const light = rng.range(0.85, 1.1);
  const cx = width * rng.range(0.3, 0.7);
  for (let y = 0; y < height; y++) {
    const onFloor = y >= floorTop;
    const u = onFloor ? (y - floorTop) / (height - floorTop) : 0;
    const row = Math.floor(rows * Math.sqrt(u) * 2);
    const seam =
      onFloor && Math.floor(rows * Math.sqrt((y + 1 - floorTop) / (height - floorTop)) * 2) !== row;
    for (let x = 0; x < width; x++) {
      const dx = (x - cx) / width;
      const dy = y / height - 0.4;
      let f = light * (1 - 0.35 * (dx * dx + dy * dy));
      let c = wall;
      if (onFloor) {
        c = floor;
        const tileW = 40 + 80 * u;
        const col = Math.floor((x - cx) / tileW + (floorKind === 0 ? row * 0.5 : 0));
        if (floorKind !== 2) f *= tones[(row * 7 + col * 13) & 63]!;
        if (floorKind !== 2 && seam) f *= 0.75;
      } else if (stripes > 0 && x % stripes < stripes / 2) {
        f *= 0.96;
      }
      const n = rng.range(-7, 7);
      const q = (y * width + x) * 3;
      px[q] = clamp255(c[0] * f + n);
      px[q + 1] = clamp255(c[1] * f + n);
      px[q + 2] = clamp255(c[2] * f + n);
    }
  }
  const board = rng.chance(0.5) ? [240, 240, 235] : shade(floor, 0.6);
  rect(
    px,
    width,
    height,
    [0, floorTop - Math.max(3, height * 0.015), width, floorTop],
    board as Rgb,
  );
  furnish(px, width, height, floorTop, rng);
  return { pixels: px, floorTop };
}

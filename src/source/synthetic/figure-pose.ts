import type { FigureLook } from './figure-look.js';
import type { Raster, Rgb } from './raster.js';

/** Where and how a figure is drawn in one frame. */
export interface Pose {
  /** Pivot (between the feet) in frame pixels. */
  readonly x: number;
  readonly y: number;
  /** Standing height in pixels. */
  readonly height: number;
  /** 0 upright .. PI/2 lying on the floor. */
  readonly angle: number;
  /** Side the figure falls to: 1 right, -1 left. */
  readonly fallDir: 1 | -1;
  /** Walking direction, for the shoes. */
  readonly dir: 1 | -1;
  /** Gait phase (radians) and amplitude (0 standing still .. 1 walking). */
  readonly gait: number;
  readonly stride: number;
}

const pts: number[] = [0, 0, 0, 0, 0, 0, 0, 0];

/**
 * Draws a figure as a few convex parts in its own coordinates (u to the right, v up from the
 * feet, in units of its height), rotated about the feet by `pose.angle`.
 */
export function drawFigure(r: Raster, id: number, look: FigureLook, p: Pose): void {
  const h = p.height;
  const cos = Math.cos(p.angle);
  const sin = Math.sin(p.angle) * p.fallDir;
  // Lying bodies rest on the floor instead of sinking below the pivot line.
  const py = p.y - Math.abs(sin) * 0.1 * h;
  const bw = look.build;

  const quad = (u: readonly number[], v: readonly number[], c: Rgb): void => {
    for (let i = 0; i < 4; i++) {
      const uu = u[i]! * h;
      const vv = v[i]! * h;
      pts[2 * i] = p.x + uu * cos + vv * sin;
      pts[2 * i + 1] = py - vv * cos + uu * sin;
    }
    r.fillPolygon(pts, id, c);
  };
  const circle = (u: number, v: number, rad: number, c: Rgb): void => {
    const uu = u * h;
    const vv = v * h;
    r.fillCircle(p.x + uu * cos + vv * sin, py - vv * cos + uu * sin, rad * h, id, c);
  };

  const swing = 0.11 * p.stride * Math.sin(p.gait);
  const lw = 0.085 * bw;
  const hip = 0.48;
  // legs and shoes
  for (const side of [-1, 1]) {
    const uh = side * 0.048 * bw;
    const uf = uh + side * swing;
    quad(
      [uh - lw / 2, uh + lw / 2, uf + lw / 2, uf - lw / 2],
      [hip, hip, 0.03, 0.03],
      look.trousers,
    );
    const toe = p.dir * 0.045;
    const ua = Math.min(uf - lw / 2, uf - lw / 2 + toe);
    const ub = Math.max(uf + lw / 2, uf + lw / 2 + toe);
    quad([ua, ub, ub, ua], [0.035, 0.035, 0, 0], look.shoes);
  }
  // arms (behind the torso), with hands
  const aw = 0.058 * bw;
  for (const side of [-1, 1]) {
    const us = side * (0.118 * bw + aw / 2);
    const uhand = us - side * swing * 0.8;
    quad(
      [us - aw / 2, us + aw / 2, uhand + aw / 2, uhand - aw / 2],
      [0.81, 0.81, 0.5, 0.5],
      look.sleeve,
    );
    circle(uhand, 0.48, 0.03, look.skin);
  }
  // torso (a trapezoid, shoulders wider than the waist)
  const ts = 0.125 * bw;
  const tw = 0.1 * bw;
  quad([-ts, ts, tw, -tw], [0.82, 0.82, 0.46, 0.46], look.shirt);
  quad([-0.03, 0.03, 0.03, -0.03], [0.86, 0.86, 0.82, 0.82], look.skin);
  // hair, face, hat
  if (look.hairStyle === 1) quad([-0.085, 0.085, 0.085, -0.085], [0.95, 0.95, 0.8, 0.8], look.hair);
  if (look.hairStyle !== 2) circle(0, 0.935, 0.08, look.hair);
  circle(0, 0.918, 0.072, look.skin);
  if (look.hairStyle === 3) {
    const hat: Rgb = [look.trousers[0], look.trousers[1], look.trousers[2]];
    quad([-0.06, 0.06, 0.06, -0.06], [1.02, 1.02, 0.955, 0.955], hat);
    quad([-0.1, 0.1, 0.1, -0.1], [0.965, 0.965, 0.945, 0.945], hat);
  }
}

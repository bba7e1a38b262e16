import { randomLook, type FigureLook } from './figure-look.js';
import type { Pose } from './figure-pose.js';
import type { Prng } from './prng.js';

/** What the scene tells a figure about the world it moves in. */
export interface Stage {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Range of foot rows a figure may walk on (far .. near). */
  readonly nearY: number;
  readonly farY: number;
  /** Standing height in pixels of a figure whose feet are on row y (perspective). */
  heightAt(y: number): number;
}

export type FigurePhase = 'walking' | 'idle' | 'falling' | 'lying' | 'rising';

/** Angle at or above which a figure counts as a fallen person. */
export const FALLEN_ANGLE = Math.PI / 4;

/**
 * One person-like figure: walks in from an edge, may stop, may fall (the box turns from tall
 * to wide), lies on the floor for a while, gets up, and walks out through an edge.
 */
export class Figure {
  readonly slot: number;
  readonly look: FigureLook;
  x: number;
  footY: number;
  dir: 1 | -1;
  phase: FigurePhase = 'walking';
  angle = 0;
  /** Standing height in pixels at the current position. */
  height = 0;
  done = false;
  private readonly speed: number;
  private readonly drift: number;
  private readonly scale: number;
  private fallDir: 1 | -1;
  private readonly lieAngle: number;
  private fallAtX: number | null;
  private idleAtX: number | null;
  private gait: number;
  private stride = 1;
  private phaseFrames = 0;
  private phaseLength = 0;

  constructor(slot: number, rng: Prng, st: Stage, x: number, footY: number, dir: 1 | -1) {
    this.slot = slot;
    this.look = randomLook(rng);
    this.x = x;
    this.footY = footY;
    this.dir = dir;
    this.scale = rng.range(0.88, 1.08);
    this.speed = rng.range(0.35, 0.75);
    this.drift = rng.range(-0.025, 0.025) * st.height;
    this.gait = rng.range(0, 2 * Math.PI);
    this.fallDir = rng.chance(0.7) ? dir : (-dir as 1 | -1);
    this.lieAngle = Math.PI / 2 + rng.range(-0.12, 0.12);
    this.fallAtX = null;
    this.idleAtX = rng.chance(0.25) ? rng.range(0.15, 0.85) * st.width : null;
    this.planFall(rng, st);
  }

  private planFall(rng: Prng, st: Stage): void {
    const h = st.heightAt(st.nearY);
    const lo = this.fallDir > 0 ? 0.06 * st.width : 0.06 * st.width + h;
    const hi = this.fallDir > 0 ? 0.94 * st.width - h : 0.94 * st.width;
    this.fallAtX = hi > lo ? rng.range(lo, hi) : null;
  }

  /** Decides once, at spawn, whether this visit includes a fall. */
  setWillFall(willFall: boolean): void {
    if (!willFall) this.fallAtX = null;
  }

  /** Advances one frame. */
  update(rng: Prng, st: Stage): void {
    const dt = 1 / st.fps;
    this.height = st.heightAt(this.footY) * this.scale;
    const h = this.height;
    this.phaseFrames++;
    const t = this.phaseLength > 0 ? Math.min(1, this.phaseFrames / this.phaseLength) : 1;
    switch (this.phase) {
      case 'walking': {
        const step = this.speed * h * dt;
        const before = this.x;
        this.x += this.dir * step;
        this.footY = Math.min(st.nearY, Math.max(st.farY, this.footY + this.drift * dt));
        if (this.footY === st.nearY || this.footY === st.farY) this.footY -= this.drift * dt;
        this.gait += (2 * Math.PI * this.speed * dt) / 0.6;
        this.stride = Math.min(1, this.stride + 4 * dt);
        if (this.crossed(before, this.fallAtX))
          this.enter('falling', rng.range(0.45, 0.8) * st.fps);
        else if (this.crossed(before, this.idleAtX)) this.enter('idle', rng.range(1, 3) * st.fps);
        const half = 0.35 * h;
        if (this.x - half > st.width || this.x + half < 0) this.done = true;
        break;
      }
      case 'idle':
        this.stride = Math.max(0, this.stride - 4 * dt);
        if (t >= 1) this.enter('walking', 0);
        break;
      case 'falling':
        this.stride = Math.max(0, this.stride - 3 * dt);
        this.angle = this.lieAngle * t * t;
        if (t >= 1) this.enter('lying', rng.range(2, 7) * st.fps);
        break;
      case 'lying':
        this.stride = 0;
        if (t >= 1) {
          if (rng.chance(0.25)) this.enter('lying', rng.range(1, 4) * st.fps);
          else this.enter('rising', rng.range(0.8, 1.5) * st.fps);
        }
        break;
      case 'rising': {
        const s = t * t * (3 - 2 * t);
        this.angle = this.lieAngle * (1 - s);
        if (t >= 1) {
          this.angle = 0;
          if (rng.chance(0.4)) this.dir = -this.dir as 1 | -1;
          this.enter('walking', 0);
        }
        break;
      }
    }
  }

  private crossed(before: number, mark: number | null): boolean {
    if (mark === null) return false;
    return (before - mark) * (this.x - mark) <= 0 && before !== this.x;
  }

  private enter(phase: FigurePhase, frames: number): void {
    if (phase === 'falling') this.fallAtX = null;
    if (phase === 'idle') this.idleAtX = null;
    this.phase = phase;
    this.phaseFrames = 0;
    this.phaseLength = Math.max(1, Math.round(frames));
  }

  /** True when the figure counts as a fallen person. */
  get fallen(): boolean {
    return this.angle >= FALLEN_ANGLE;
  }

  pose(): Pose {
    return {
      x: this.x,
      y: this.footY,
      height: this.height,
      angle: this.angle,
      fallDir: this.fallDir,
      dir: this.dir,
      gait: this.gait,
      stride: this.stride,
    };
  }

  /** Sets the height for the current position (called once after spawning). */
  settle(st: Stage): void {
    this.height = st.heightAt(this.footY) * this.scale;
  }
}

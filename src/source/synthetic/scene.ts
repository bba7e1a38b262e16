import type { Box } from '../../domain/detection.js';
import { Figure, type Stage } from './figure.js';
import { drawFigure } from './figure-pose.js';
import { Prng } from './prng.js';
import { Raster } from './raster.js';
import { renderRoom, type Room } from './room.js';
import { validateSceneOptions, type SceneOptions } from './scene-options.js';

export type { SceneOptions } from './scene-options.js';

/** The classes the scene knows, by class id (the demo model's `names`). */
export const SCENE_CLASSES = ['person', 'fallen_person'] as const;

/** A figure counts in the ground truth only when at least this fraction of it is visible. */
export const MIN_VISIBLE_FRACTION = 0.4;
/** ... and when its box, clipped to the frame, is at least this many pixels on each side. */
export const MIN_BOX_SIDE = 4;

export interface TruthBox {
  classId: 0 | 1;
  className: (typeof SCENE_CLASSES)[number];
  /** The figure's box clipped to the frame, frame pixels. */
  box: Box;
}

/** Figures appearing per second of scene time while there is room for more. */
const SPAWN_PER_SECOND = 0.5;

/**
 * The built-in synthetic scene: a room seen by a fixed camera, with person-like figures that
 * walk in and out through the frame edges and sometimes fall. Deterministic from the seed.
 */
export class SyntheticScene {
  readonly width: number;
  readonly height: number;
  private readonly opts: SceneOptions;
  private readonly room: Room;
  private readonly rng: Prng;
  private readonly stage: Stage;
  private readonly raster: Raster;
  private readonly slots: (Figure | null)[];
  private frame = 0;
  private rasterized = -1;
  private cachedTruth: TruthBox[] = [];

  constructor(opts: SceneOptions) {
    validateSceneOptions('SyntheticScene', opts);
    this.opts = { ...opts };
    this.width = opts.width;
    this.height = opts.height;
    const root = new Prng(opts.seed);
    this.room = renderRoom(opts.width, opts.height, root.fork());
    this.rng = root.fork();
    const h = opts.height;
    const horizon = this.room.floorTop - 0.12 * h;
    this.stage = {
      width: opts.width,
      height: h,
      fps: opts.fps,
      farY: this.room.floorTop + 0.08 * h,
      nearY: h * 0.99,
      heightAt: (y: number) => 1.05 * (y - horizon),
    };
    this.raster = new Raster(opts.width, h, opts.maxFigures);
    this.slots = Array.from({ length: opts.maxFigures }, () => null);
    const initial = Math.round(opts.maxFigures * this.rng.range(0.3, 0.8));
    for (let i = 0; i < initial; i++) this.spawn(this.rng.range(0.1, 0.9) * opts.width);
    for (const f of this.slots) f?.update(this.rng, this.stage);
  }

  /** Frames advanced since construction (0 for the first frame). */
  get frameIndex(): number {
    return this.frame;
  }

  /** Figures currently in the scene (for tests and diagnostics). */
  figures(): readonly Figure[] {
    return this.slots.filter((f): f is Figure => f !== null);
  }

  /** Advances the scene by one frame (1/fps seconds). */
  step(): void {
    this.frame++;
    for (let i = 0; i < this.slots.length; i++) {
      const f = this.slots[i];
      if (!f) continue;
      f.update(this.rng, this.stage);
      if (f.done) this.slots[i] = null;
    }
    if (this.rng.chance(SPAWN_PER_SECOND / this.opts.fps)) {
      const f = this.spawn(null);
      f?.update(this.rng, this.stage);
    }
  }

  /** Writes the current frame as RGB24 (row-major, width * height * 3 bytes) into `buf`. */
  renderInto(buf: Uint8Array): void {
    const need = this.width * this.height * 3;
    if (!(buf instanceof Uint8Array)) throw new TypeError('renderInto: buf must be a Uint8Array');
    if (buf.length < need) {
      throw new RangeError(`renderInto: buf must hold at least ${need} bytes, got ${buf.length}`);
    }
    buf.set(this.room.pixels);
    this.rasterize(buf);
  }

  /** Ground truth of the current frame: figures at least 40% visible, boxes clipped to the frame. */
  truth(): TruthBox[] {
    if (this.rasterized !== this.frame) this.rasterize(null);
    return this.cachedTruth.map((t) => ({ ...t, box: { ...t.box } }));
  }

  private rasterize(rgb: Uint8Array | null): void {
    const r = this.raster;
    r.begin(rgb);
    const order = this.figures()
      .slice()
      .sort((a, b) => a.footY - b.footY || a.slot - b.slot);
    for (const f of order) drawFigure(r, f.slot, f.look, f.pose());
    const truth: TruthBox[] = [];
    for (const f of order) {
      const id = f.slot;
      const total = r.total[id]!;
      if (total === 0 || r.visible[id]! / total < MIN_VISIBLE_FRACTION) continue;
      const box = {
        x1: Math.max(0, r.x1[id]!),
        y1: Math.max(0, r.y1[id]!),
        x2: Math.min(this.width, r.x2[id]!),
        y2: Math.min(this.height, r.y2[id]!),
      };
      if (box.x2 - box.x1 < MIN_BOX_SIDE || box.y2 - box.y1 < MIN_BOX_SIDE) continue;
      const classId = f.fallen ? 1 : 0;
      truth.push({ classId, className: SCENE_CLASSES[classId], box });
    }
    this.cachedTruth = truth;
    this.rasterized = this.frame;
  }

  /** Adds a figure at x (inside the frame) or at an edge (x null). Returns it, or null if full. */
  private spawn(x: number | null): Figure | null {
    const slot = this.slots.indexOf(null);
    if (slot < 0) return null;
    const st = this.stage;
    const rng = this.rng;
    const dir: 1 | -1 = rng.chance(0.5) ? 1 : -1;
    let footY = rng.range(st.farY, st.nearY);
    for (let tries = 0; tries < 4 && this.crowded(x, dir, footY); tries++) {
      footY = rng.range(st.farY, st.nearY);
    }
    const start = x ?? (dir > 0 ? -0.3 * st.heightAt(footY) : st.width + 0.3 * st.heightAt(footY));
    const f = new Figure(slot + 1, rng, st, start, footY, dir);
    f.setWillFall(rng.chance(this.opts.fallProbability));
    f.settle(st);
    this.slots[slot] = f;
    return f;
  }

  /** True when another figure stands near where a new one would appear. */
  private crowded(x: number | null, dir: 1 | -1, footY: number): boolean {
    const edge = dir > 0 ? 0 : this.width;
    const nearX = x ?? edge;
    return this.figures().some(
      (o) =>
        Math.abs(o.footY - footY) < 0.08 * this.height && Math.abs(o.x - nearX) < 0.5 * o.height,
    );
  }
}

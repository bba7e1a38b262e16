/**
 * Renders frames of the synthetic scene and writes them as the demo model sees them: letterboxed
 * to 320x320 by the project's own Letterboxer (src/inference/letterbox.ts, pad value 114), as raw
 * uint8 RGB (HWC, N x 320 x 320 x 3) in `images.u8`, with `labels.json` holding each frame's
 * ground-truth boxes in 320x320 input pixels. scripts/train_demo_model.py reads both.
 *
 *   npx tsx scripts/make-demo-dataset.ts --out var/demo-dataset/train --seeds 1000-1079 --frames 60
 */
import { mkdirSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Letterboxer } from '../src/inference/letterbox.js';
import { Prng } from '../src/source/synthetic/prng.js';
import { SyntheticScene } from '../src/source/synthetic/scene.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'var/demo-dataset/train' },
    seeds: { type: 'string', default: '1000-1079' },
    frames: { type: 'string', default: '60' },
    every: { type: 'string', default: '5' },
    imgsz: { type: 'string', default: '320' },
    'fixed-size': { type: 'boolean', default: false },
    'max-figures': { type: 'string' },
    'fall-probability': { type: 'string' },
  },
});

function parseSeeds(spec: string): number[] {
  const seeds: number[] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isInteger(a))
      throw new RangeError(`--seeds: bad part "${part}"`);
    for (let s = a; s <= (b ?? a); s++) seeds.push(s);
  }
  return seeds;
}

/** Frame sizes a seed may render at; 640x480 (the default) most often. */
const SIZES: readonly [number, number][] = [
  [640, 480],
  [640, 480],
  [640, 480],
  [640, 360],
  [1280, 720],
  [800, 600],
  [480, 360],
];

const seeds = parseSeeds(values.seeds);
const perSeed = Number(values.frames);
const every = Number(values.every);
const imgsz = Number(values.imgsz);
mkdirSync(values.out, { recursive: true });
const fd = openSync(join(values.out, 'images.u8'), 'w');
const boxer = new Letterboxer(imgsz, imgsz);
const tensor = new Float32Array(3 * imgsz * imgsz);
const hwc = new Uint8Array(imgsz * imgsz * 3);
const items: unknown[] = [];
let boxes = 0;
let fallen = 0;
const started = performance.now();

for (const seed of seeds) {
  // Scene settings vary per seed, drawn from a generator of their own.
  const pick = new Prng(seed ^ 0x5eed);
  const [width, height] = values['fixed-size'] ? [640, 480] : pick.pick(SIZES);
  const opts = {
    width,
    height,
    fps: pick.pick([10, 15, 15, 25, 30]),
    seed,
    maxFigures: pick.int(1, 5),
    fallProbability: pick.range(0.3, 0.8),
  };
  if (values['max-figures'] !== undefined) opts.maxFigures = Number(values['max-figures']);
  if (values['fall-probability'] !== undefined) {
    opts.fallProbability = Number(values['fall-probability']);
  }
  const scene = new SyntheticScene(opts);
  const frame = new Uint8Array(width * height * 3);
  for (let k = 0; k < perSeed; k++) {
    for (let s = 0; s < (k === 0 ? 0 : every); s++) scene.step();
    scene.renderInto(frame);
    const t = boxer.run(frame, width, height, null, tensor);
    const plane = imgsz * imgsz;
    for (let i = 0; i < plane; i++) {
      hwc[i * 3] = Math.round(tensor[i]! * 255);
      hwc[i * 3 + 1] = Math.round(tensor[plane + i]! * 255);
      hwc[i * 3 + 2] = Math.round(tensor[2 * plane + i]! * 255);
    }
    writeSync(fd, hwc);
    const truth = scene
      .truth()
      .map((b) => [
        b.classId,
        +(t.padX + b.box.x1 * t.scaleX).toFixed(2),
        +(t.padY + b.box.y1 * t.scaleY).toFixed(2),
        +(t.padX + b.box.x2 * t.scaleX).toFixed(2),
        +(t.padY + b.box.y2 * t.scaleY).toFixed(2),
      ]);
    boxes += truth.length;
    fallen += truth.filter((b) => b[0] === 1).length;
    items.push({ seed, frame: scene.frameIndex, width, height, boxes: truth });
  }
}
closeSync(fd);
writeFileSync(
  join(values.out, 'labels.json'),
  JSON.stringify({ imgsz, names: ['person', 'fallen_person'], seeds, count: items.length, items }),
);
const secs = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `${items.length} frames, ${boxes} boxes (${fallen} fallen) from ${seeds.length} seeds in ${secs} s -> ${values.out}`,
);

/**
 * Development timing (not part of the suite's results): one letterbox of a W×H RGB frame into an
 * S×S model input, on this thread, averaged over 300 runs after 50 warm-up runs.
 *
 *   node --import tsx bench/dev/letterbox-time.ts 1280 720 320
 */
import { Letterboxer } from '../../src/inference/letterbox.js';

const [w, h, s] = process.argv.slice(2).map(Number);
if (!w || !h || !s) {
  console.error('usage: letterbox-time.ts WIDTH HEIGHT MODEL_SIZE (pixels, e.g. 1280 720 320)');
  process.exit(2);
}
const frame = new Uint8Array(w * h * 3).map((_, i) => (i * 2654435761) >>> 24);
const dst = new Float32Array(3 * s * s);
const lb = new Letterboxer(s, s);
for (let i = 0; i < 50; i++) lb.run(frame, w, h, null, dst);
const runs = 300;
const t0 = performance.now();
for (let i = 0; i < runs; i++) lb.run(frame, w, h, null, dst);
console.log(`${w}x${h} -> ${s}: ${(((performance.now() - t0) / runs) * 1000).toFixed(0)} us`);

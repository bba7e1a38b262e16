/**
 * Development summary (not part of the suite): the allocation sites of a profile written by
 * bench/dev/preload/alloc-sample.mjs, in KiB per frame at the given frame rate (the run's fps),
 * each with its two callers.
 *
 *   node bench/dev/alloc-top.mjs PROFILE.json FPS [TOP]
 */
import { readFileSync } from 'node:fs';

const [file, fpsArg, topArg] = process.argv.slice(2);
const fps = Number(fpsArg);
if (!file || !(fps > 0)) {
  console.error("usage: alloc-top.mjs PROFILE.json FPS [TOP]  (FPS: the run's frames/s, > 0)");
  process.exit(2);
}
const { ms, profile } = JSON.parse(readFileSync(file, 'utf8'));
const bySite = new Map();
let total = 0;
const walk = (node, callers) => {
  const cf = node.callFrame;
  const name = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;
  total += node.selfSize;
  if (node.selfSize) {
    const key = `${name}  <  ${callers.slice(-2).reverse().join(' < ')}`;
    bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
  }
  for (const c of node.children) walk(c, [...callers, cf.functionName || '(anonymous)']);
};
walk(profile.head, []);
const frames = (ms / 1000) * fps;
const kib = (bytes) => (bytes / frames / 1024).toFixed(1);
console.log(
  `${(total / 1e6).toFixed(1)} MB in ${ms} ms: ${kib(total)} KiB per frame at ${fps} frames/s`,
);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
  console.log(`${kib(bytes).padStart(7)} KiB/frame  ${site}`);

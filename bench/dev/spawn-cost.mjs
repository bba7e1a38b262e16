/**
 * Development probe (not part of the suite): how long `child_process.spawn` blocks the calling
 * thread, as a function of the caller's resident memory. spawn forks, and the kernel copies the
 * page tables of the caller while it waits (docs/benchmarks.md, "ffmpeg starts off the event loop").
 *
 *   node bench/dev/spawn-cost.mjs 0; node bench/dev/spawn-cost.mjs 300; node bench/dev/spawn-cost.mjs 1000
 *
 * The argument is MiB of touched Buffer memory to hold before spawning `true` eight times.
 */
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const mib = Number(process.argv[2] ?? 0);
const keep = [];
for (let i = 0; i < mib; i++) keep.push(Buffer.alloc(1 << 20, 1));
const ms = [];
for (let i = 0; i < 8; i++) {
  const t = performance.now();
  const child = spawn('true', [], { stdio: 'ignore' });
  ms.push((performance.now() - t).toFixed(2));
  await new Promise((resolve) => child.on('close', resolve));
}
console.log(
  `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, held ${keep.length} MiB; spawn blocked for (ms): ${ms.join(' ')}`,
);

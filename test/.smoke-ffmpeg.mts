import { FfmpegSource } from '../src/source/ffmpeg/ffmpeg-source.js';
const s = new FfmpegSource({ id: 1, url: '/tmp/fft/t.mp4' });
await s.start();
let n = 0; let last = 0;
for (;;) { const f = await s.next(); if (!f) break; n++; if (f.seq !== last + 1) throw new Error('order'); last = f.seq; if (n===1) console.log(f.width, f.height, f.data.length, f.data.slice(0,6)); f.release(); }
console.log('frames', n, s.status());
await s.stop();
for (const u of ['/tmp/fft/nope.mp4', '/tmp/fft/garbage.mp4']) {
  try { const b = new FfmpegSource({ id: 2, url: u }); await b.start(); console.log('started?!'); } catch (e) { console.log((e as any).code, (e as Error).message); }
}

import assert from 'node:assert/strict';
import { PpmFormatError, PpmStreamParser } from '../../src/source/ffmpeg/ppm-parser.js';

function ppm(width: number, height: number, fill: (i: number) => number): Uint8Array {
  const header = new TextEncoder().encode(`P6\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + width * height * 3);
  out.set(header);
  for (let i = 0; i < width * height * 3; i++) out[header.length + i] = fill(i);
  return out;
}

function collect() {
  const frames: { w: number; h: number; data: number[] }[] = [];
  let allocs = 0;
  const parser = new PpmStreamParser(
    {
      alloc: (w, h) => {
        allocs++;
        return new Uint8Array(w * h * 3);
      },
      frame: (data, w, h) => frames.push({ w, h, data: [...data] }),
    },
    () => 0,
  );
  return { parser, frames, allocs: () => allocs };
}

describe('PPM frame stream parser', () => {
  const a = ppm(3, 2, (i) => i);
  const b = ppm(3, 2, (i) => 100 + i);
  const stream = new Uint8Array([...a, ...b]);

  it('splits a stream into exact frames whatever the chunk boundaries', () => {
    for (const chunk of [1, 2, 5, 7, 14, 15, 16, 33, stream.length]) {
      const { parser, frames } = collect();
      for (let i = 0; i < stream.length; i += chunk) parser.push(stream.subarray(i, i + chunk));
      assert.equal(frames.length, 2, `chunk ${chunk}`);
      assert.deepEqual(frames[0], { w: 3, h: 2, data: Array.from({ length: 18 }, (_, i) => i) });
      assert.deepEqual(
        frames[1]!.data,
        Array.from({ length: 18 }, (_, i) => 100 + i),
      );
      assert.equal(parser.midFrame, false);
    }
  });

  it('reports a partial frame and gives its buffer back on reset', () => {
    const { parser, frames } = collect();
    parser.push(stream.subarray(0, a.length + 20));
    assert.equal(frames.length, 1);
    assert.equal(parser.midFrame, true);
    let released = 0;
    parser.reset(() => released++);
    assert.equal(released, 1);
    assert.equal(parser.midFrame, false);
  });

  it('rejects bytes that are not PPM frames', () => {
    assert.throws(
      () => collect().parser.push(new TextEncoder().encode('GIF89a....')),
      PpmFormatError,
    );
    assert.throws(
      () => collect().parser.push(new TextEncoder().encode('P6\n3 2\n65535\n')),
      /want P6/,
    );
    assert.throws(
      () => collect().parser.push(new TextEncoder().encode('P6\n0 2\n255\n')),
      /bad frame size/,
    );
    assert.throws(
      () => collect().parser.push(new TextEncoder().encode('P6' + ' '.repeat(80))),
      /too long/,
    );
  });
});

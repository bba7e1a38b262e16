/** Golden data for the exact 2:1 downscale path of the letterbox (e.g. 640x480 into 320). */
import assert from 'node:assert/strict';
import { Letterboxer, PAD_VALUE } from '../../src/inference/letterbox.js';

const W = 8;
const H = 4;
const value = (x: number, y: number, c: number) =>
  [x * 10 + y, 2 * x + 100, 3 * y + 50][c] as number;

function frame(): Uint8Array {
  const d = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) d[(y * W + x) * 3 + c] = value(x, y, c);
  return d;
}

describe('letterbox exact 2:1 downscale', () => {
  it('averages each 2x2 block, rounds it to an integer, and pads the rest with 114/255', () => {
    const S = 4;
    const dst = new Float32Array(3 * S * S);
    const t = new Letterboxer(S, S).run(frame(), W, H, null, dst);
    assert.deepEqual(
      [t.scaleX, t.scaleY, t.padX, t.padY, t.resizedWidth, t.resizedHeight],
      [0.5, 0.5, 0, 1, 4, 2],
    );
    for (let c = 0; c < 3; c++) {
      for (let row = 0; row < S; row++) {
        for (let col = 0; col < S; col++) {
          const got = dst[c * S * S + row * S + col] as number;
          if (row === 0 || row === 3) {
            assert.ok(Math.abs(got - PAD_VALUE) < 1e-6, `pad at c${c} r${row} c${col}`);
            continue;
          }
          const y = 2 * (row - 1);
          const x = 2 * col;
          // The block mean, rounded half up to an integer as cv2.resize on uint8 does.
          const want =
            Math.round(
              (value(x, y, c) + value(x + 1, y, c) + value(x, y + 1, c) + value(x + 1, y + 1, c)) /
                4,
            ) / 255;
          assert.ok(Math.abs(got - want) < 1e-6, `c${c} r${row} c${col}: ${got} vs ${want}`);
        }
      }
    }
  });
});

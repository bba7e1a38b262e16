/**
 * Exact frame accounting with real ffmpeg: every frame of a file is delivered once, in order,
 * and frame N (seq, published as frame.frame_id, 1-based) is the file's frame N — on a file whose
 * timestamps are not constant-rate (made here) and on the real videos in ../shared/realworld/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FfmpegSource } from '../../src/source/ffmpeg/ffmpeg-source.js';
import { REPO_ROOT, stopAll, tempDir } from '../helpers/processes.js';
import {
  frameDigests,
  framesWithOldArgs,
  makeVariableRateVideo,
  md5,
  probeRates,
  VFR_H,
  VFR_W,
} from './frame-accounting-fixtures.js';

const REALWORLD = join(REPO_ROOT, '..', 'shared', 'realworld');

/** Reads a file source to its end: seq and pixel digest of every frame, and its status. */
async function readAll(path: string) {
  const src = new FfmpegSource({ id: 3, url: path });
  await src.start();
  const seqs: number[] = [];
  const digests: string[] = [];
  for (let f = await src.next(); f; f = await src.next()) {
    seqs.push(f.seq);
    digests.push(md5(f.data));
    f.release();
  }
  const status = src.status();
  await src.stop();
  return { seqs, digests, status };
}

/** Asserts frame ids 1..n, each once, and frame id k carries the file's k-th frame. */
function assertExact(
  got: { seqs: number[]; digests: string[]; status: { state: string; framesRead: number } },
  reference: string[],
  nbReadFrames: number,
  what: string,
): void {
  assert.equal(reference.length, nbReadFrames, `${what}: ffmpeg's digests cover every frame`);
  assert.equal(got.seqs.length, nbReadFrames, `${what}: frames delivered = ffprobe nb_read_frames`);
  assert.equal(got.status.framesRead, nbReadFrames, `${what}: frames read = nb_read_frames`);
  assert.equal(got.status.state, 'ended');
  assert.deepEqual(
    got.seqs,
    Array.from({ length: nbReadFrames }, (_, i) => i + 1),
    `${what}: frame ids are 1..${nbReadFrames}, no duplicate, no gap`,
  );
  const firstWrong = got.digests.findIndex((d, i) => d !== reference[i]);
  assert.equal(firstWrong, -1, `${what}: frame id ${firstWrong + 1} is not the file's frame`);
}

describe('exact frame accounting of file sources (real ffmpeg)', function () {
  this.timeout(120_000);
  after(() => stopAll());

  it('delivers each frame of a variable-rate file once, where constant-rate output would duplicate', async () => {
    const clip = makeVariableRateVideo(tempDir('adeline-vfr-'));
    const rates = probeRates(clip);
    assert.notEqual(rates.rFrameRate, rates.avgFrameRate, 'the clip is not constant-rate');
    assert.equal(rates.nbReadFrames, 75);
    const old = framesWithOldArgs(clip, VFR_W, VFR_H);
    assert.ok(
      old > rates.nbReadFrames,
      `the old command line invents frames on this clip (${old} out of ${rates.nbReadFrames})`,
    );
    const got = await readAll(clip);
    assertExact(got, frameDigests(clip), rates.nbReadFrames, 'vfr.mp4');
  });

  it('loops a file: each pass carries every frame of the file once, in order, ids numbered on', async () => {
    for (const clip of [
      makeVariableRateVideo(tempDir('adeline-vfr-loop-')),
      join(REALWORLD, 'people.mp4'),
    ]) {
      const { nbReadFrames } = probeRates(clip);
      const reference = frameDigests(clip);
      const src = new FfmpegSource({ id: 4, url: clip, loop: true });
      await src.start();
      const digests: string[] = [];
      const seqs: number[] = [];
      while (digests.length < 2 * nbReadFrames + 3) {
        const f = await src.next();
        assert.ok(f, `${clip}: frame ${digests.length + 1} of a looped file`);
        seqs.push(f.seq);
        digests.push(md5(f.data));
        f.release();
      }
      await src.stop();
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
        'ids run on',
      );
      const wrong = digests.findIndex((d, i) => d !== reference[i % nbReadFrames]);
      assert.equal(
        wrong,
        -1,
        `${clip}: frame ${wrong + 1} is not frame ${(wrong % nbReadFrames) + 1} of the file`,
      );
    }
  });

  for (const name of ['people.mp4', 'street.mp4']) {
    it(`delivers every frame of ../shared/realworld/${name} once, numbered as in the file`, async () => {
      const path = join(REALWORLD, name);
      const { nbReadFrames } = probeRates(path);
      const got = await readAll(path);
      assertExact(got, frameDigests(path), nbReadFrames, name);
    });
  }
});

import assert from 'node:assert/strict';
import { ffmpegReason } from '../../src/source/ffmpeg/ffmpeg-reason.js';

describe('ffmpegReason (ffmpeg stderr as one line)', () => {
  it('flattens the two lines of a truncated mp4 ("moov atom not found") into one', () => {
    const stderr =
      '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5648f9ab6680] moov atom not found\n' +
      'file:/v/cut.mp4: Invalid data found when processing input\n';
    const r = ffmpegReason(stderr, '/v/cut.mp4');
    assert.equal(r, 'moov atom not found (Invalid data found when processing input)');
    assert.ok(!r.includes('\n'));
  });

  it('treats carriage returns as line ends and collapses runs of whitespace', () => {
    const r = ffmpegReason('frame=  1 fps=0.0\r[h264 @ 0x1f]  error\twhile  decoding\r\n', 'x');
    assert.equal(r, 'frame= 1 fps=0.0 (error while decoding)');
  });

  it('escapes bytes that do not print, as a hostile file name could carry', () => {
    const r = ffmpegReason('/v/a\u001b[2J.mp4: No such file or directory\n', '/v/b.mp4');
    assert.equal(r, '/v/a\\x1B[2J.mp4: No such file or directory');
  });
});

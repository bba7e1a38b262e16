import assert from 'node:assert/strict';
import { buildFfmpegArgs, type FfmpegInput } from '../../src/source/ffmpeg/ffmpeg-args.js';
import { ffmpegReason, sessionFailure } from '../../src/source/ffmpeg/ffmpeg-errors.js';
import { parseRate } from '../../src/source/ffmpeg/probe.js';
import {
  parseFfmpegVersion,
  passthroughTimingArgs,
} from '../../src/source/ffmpeg/ffmpeg-version.js';

const base: FfmpegInput = {
  kind: 'stream',
  target: '',
  realtime: false,
  ioTimeoutMs: 5000,
  analyzeMs: 1000,
  rtspTransport: 'tcp',
  decoderThreads: 0,
};
const OUT = [
  '-map',
  '0:v:0',
  '-an',
  '-sn',
  '-dn',
  '-fps_mode',
  'passthrough',
  '-enc_time_base',
  '-1',
  '-f',
  'image2pipe',
  '-c:v',
  'ppm',
  '-pix_fmt',
  'rgb24',
  'pipe:1',
];
const HEAD = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];

describe('ffmpeg command line and error text', () => {
  it('reads a file through the file: protocol, with -re only when it is live', () => {
    const file = { ...base, kind: 'file' as const, target: '/v/cam:1.mp4' };
    assert.deepEqual(buildFfmpegArgs(file), [...HEAD, '-i', 'file:/v/cam:1.mp4', ...OUT]);
    assert.deepEqual(buildFfmpegArgs({ ...file, realtime: true }), [
      ...HEAD,
      '-re',
      '-i',
      'file:/v/cam:1.mp4',
      ...OUT,
    ]);
  });

  it('limits the decoder threads before -i only when pipeline.decoder_threads is set', () => {
    const file = { ...base, kind: 'file' as const, target: '/v/a.mp4' };
    assert.ok(!buildFfmpegArgs(file).includes('-threads'), '0 leaves it to ffmpeg');
    const one = buildFfmpegArgs({ ...file, decoderThreads: 1 });
    assert.deepEqual(one.slice(HEAD.length, HEAD.length + 2), ['-threads', '1']);
    assert.ok(one.indexOf('-threads') < one.indexOf('-i'), 'an input (decoder) option');
    const stream = buildFfmpegArgs({
      ...base,
      target: 'rtsp://cam/1',
      scheme: 'rtsp',
      decoderThreads: 3,
    });
    assert.ok(stream.indexOf('-threads') < stream.indexOf('-i') && stream.includes('3'));
  });

  it('passes frames through with their own timestamps instead of forcing a constant rate', () => {
    const file = { ...base, kind: 'file' as const, target: '/v/a.mkv' };
    const at = (args: string[], flag: string) =>
      args.slice(args.indexOf(flag), args.indexOf(flag) + 2);
    const v51 = buildFfmpegArgs(file, { major: 5, minor: 1 });
    assert.deepEqual(at(v51, '-fps_mode'), ['-fps_mode', 'passthrough']);
    assert.deepEqual(at(v51, '-enc_time_base'), ['-enc_time_base', '-1']);
    assert.ok(v51.indexOf('-fps_mode') > v51.indexOf('-i'), 'an output option, after -i');
    const v44 = buildFfmpegArgs(file, { major: 4, minor: 4 });
    assert.deepEqual(at(v44, '-vsync'), ['-vsync', 'passthrough']);
    assert.ok(!v44.includes('-fps_mode'), 'ffmpeg 4.4 does not know -fps_mode');
    const stream = buildFfmpegArgs({ ...base, target: 'rtsp://cam/live', scheme: 'rtsp' });
    assert.deepEqual(at(stream, '-fps_mode'), ['-fps_mode', 'passthrough'], 'streams too');
  });

  it('reads the ffmpeg version from its banner, and null from a banner it cannot read', () => {
    assert.deepEqual(parseFfmpegVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026'), {
      major: 5,
      minor: 1,
    });
    assert.deepEqual(parseFfmpegVersion('ffmpeg version n6.1.1 Copyright'), {
      major: 6,
      minor: 1,
    });
    assert.deepEqual(parseFfmpegVersion('ffmpeg version 4.4.2-0ubuntu0.22.04.1'), {
      major: 4,
      minor: 4,
    });
    assert.equal(parseFfmpegVersion('ffmpeg version N-112345-gabcdef Copyright'), null);
    assert.equal(parseFfmpegVersion(''), null);
    assert.equal(parseFfmpegVersion('not ffmpeg at all 9.9'), null);
    assert.deepEqual(passthroughTimingArgs(null).slice(0, 2), ['-fps_mode', 'passthrough']);
    assert.deepEqual(passthroughTimingArgs({ major: 5, minor: 0 }), ['-vsync', 'passthrough']);
    assert.deepEqual(passthroughTimingArgs({ major: 7, minor: 1 }).slice(0, 2), [
      '-fps_mode',
      'passthrough',
    ]);
  });

  it('gives each stream protocol its own I/O timeout, in microseconds', () => {
    const rtsp = buildFfmpegArgs({ ...base, target: 'rtsp://cam/live', scheme: 'rtsp' });
    assert.deepEqual(rtsp, [
      ...HEAD,
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '5000000',
      '-analyzeduration',
      '1000000',
      '-i',
      'rtsp://cam/live',
      ...OUT,
    ]);
    const http = buildFfmpegArgs({ ...base, target: 'http://h/a.ts', scheme: 'http' });
    assert.deepEqual(http.slice(5, 9), ['-rw_timeout', '5000000', '-analyzeduration', '1000000']);
    const udp = buildFfmpegArgs({ ...base, target: 'udp://0.0.0.0:5000', scheme: 'udp' });
    assert.deepEqual(udp.slice(5, 7), ['-timeout', '5000000']);
  });

  it('turns ffmpeg stderr into one reason without the URL or the [tcp @ 0x…] prefix', () => {
    const refused =
      '[tcp @ 0x55f0] Connection to tcp://127.0.0.1:1 failed: Connection refused\nrtsp://127.0.0.1:1/live: Connection refused\n';
    assert.equal(ffmpegReason(refused, 'rtsp://127.0.0.1:1/live'), 'Connection refused');
    const dns =
      '[tcp @ 0x55cc] Failed to resolve hostname cam.invalid: Name or service not known\nhttp://cam.invalid/x.ts: Input/output error\n';
    assert.equal(
      ffmpegReason(dns, 'http://cam.invalid/x.ts'),
      'Failed to resolve hostname cam.invalid: Name or service not known (Input/output error)',
    );
    assert.equal(
      ffmpegReason('file:/v/a.mp4: Invalid data found when processing input', '/v/a.mp4'),
      'Invalid data found when processing input',
    );
    assert.equal(ffmpegReason('', 'x'), '');
  });

  it('maps how a run ended to the error code a user can act on', () => {
    const ctx = (kind: 'file' | 'stream') => ({
      kind,
      description: 'D',
      bin: 'ffmpeg',
      redact: (t: string) => t.replace('pw', '***'),
    });
    assert.equal(
      sessionFailure({ kind: 'missing', frames: 0, message: 'spawn ffmpeg ENOENT' }, ctx('file'))
        .code,
      'ADELINE_ERR_FFMPEG_MISSING',
    );
    assert.equal(
      sessionFailure({ kind: 'error', frames: 0, message: 'D: Invalid data' }, ctx('file')).code,
      'ADELINE_ERR_SOURCE_DECODE',
    );
    const lost = sessionFailure({ kind: 'eof', frames: 9, message: '' }, ctx('stream'));
    assert.deepEqual(
      [lost.code, lost.message],
      ['ADELINE_ERR_SOURCE_UNREACHABLE', 'stream D was lost: the stream ended'],
    );
    const refused = sessionFailure(
      { kind: 'error', frames: 0, message: 'D: 401 Unauthorized pw' },
      ctx('stream'),
    );
    assert.equal(
      refused.message,
      'cannot open stream D: 401 Unauthorized ***; check the URL and that the camera or server is reachable',
    );
  });

  it('parses ffprobe frame rates and rejects undefined ones', () => {
    assert.equal(parseRate('10/1'), 10);
    assert.ok(Math.abs(parseRate('30000/1001')! - 29.97) < 0.01);
    assert.equal(parseRate('0/0'), null);
    assert.equal(parseRate(undefined), null);
    assert.equal(parseRate('abc'), null);
  });
});

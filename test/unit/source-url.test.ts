import assert from 'node:assert/strict';
import { AdelineError } from '../../src/domain/errors.js';
import { classifySourceUrl, redactText, redactUrl } from '../../src/source/url.js';

describe('source URLs', () => {
  it('classifies synthetic:, paths, file: URLs and stream URLs', () => {
    const syn = classifySourceUrl('synthetic:?seed=7&fps=10');
    assert.equal(syn.kind, 'synthetic');
    assert.equal(syn.kind === 'synthetic' && syn.params.get('seed'), '7');
    assert.equal(classifySourceUrl('synthetic:').kind, 'synthetic');
    assert.deepEqual(classifySourceUrl('videos/a.mp4', '/data'), {
      kind: 'file',
      path: '/data/videos/a.mp4',
      description: '/data/videos/a.mp4',
    });
    assert.deepEqual(classifySourceUrl('file:///tmp/a%20b.mp4'), {
      kind: 'file',
      path: '/tmp/a b.mp4',
      description: '/tmp/a b.mp4',
    });
    const rtsp = classifySourceUrl('RTSP://cam.local:8554/live');
    assert.equal(rtsp.kind, 'stream');
    assert.equal(rtsp.kind === 'stream' && rtsp.scheme, 'rtsp');
    assert.equal(classifySourceUrl('http://127.0.0.1:9000/live.ts').kind, 'stream');
  });

  it('reads a path with a colon in it as a file, not a scheme', () => {
    assert.equal(classifySourceUrl('/videos/cam:1.mp4').kind, 'file');
    assert.equal(classifySourceUrl('C:/videos/a.mp4', '/x').kind, 'file');
  });

  it('rejects an empty URL and an unknown scheme with a config error naming the scheme', () => {
    assert.throws(
      () => classifySourceUrl('  '),
      (e: unknown) =>
        e instanceof AdelineError && e.code === 'ADELINE_ERR_CONFIG' && /empty/.test(e.message),
    );
    assert.throws(
      () => classifySourceUrl('gopher://x:pw@host/a'),
      (e: unknown) =>
        e instanceof AdelineError && /"gopher:"/.test(e.message) && !e.message.includes('pw'),
    );
    assert.throws(() => classifySourceUrl(42 as unknown as string), TypeError);
  });

  it('redacts the password and secret query values of a URL but keeps the user and host', () => {
    assert.equal(
      redactUrl('rtsp://admin:s3cret@10.0.0.5:554/stream1'),
      'rtsp://admin:***@10.0.0.5:554/stream1',
    );
    assert.equal(
      redactUrl('https://cam/live.m3u8?token=abc&res=hd'),
      'https://cam/live.m3u8?token=***&res=hd',
    );
    assert.equal(redactUrl('rtsp://cam/live'), 'rtsp://cam/live');
    const desc = classifySourceUrl('rtsp://admin:s3cret@cam/live').description;
    assert.ok(!desc.includes('s3cret'), desc);
  });

  it('redacts credentials inside ffmpeg error text', () => {
    const url = 'rtsp://admin:p%40ss@cam/live';
    const text = `${url}: 401 Unauthorized (user admin, password p@ss)`;
    const out = redactText(text, url);
    assert.ok(!out.includes('p%40ss') && !out.includes('p@ss'), out);
    assert.ok(out.includes('401 Unauthorized'));
  });
});

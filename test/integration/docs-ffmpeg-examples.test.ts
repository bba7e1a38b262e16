/**
 * Every ffmpeg and ffprobe example in docs/*.md and README.md runs with real ffmpeg: `<file>`
 * becomes a generated clip whose timestamps are not constant-rate, `<url>` a local HTTP stream.
 * Each must exit 0 (a live stream: deliver a frame); decode commands must give exactly the
 * file's frames, and frame counts must be right. A broken example fails this test.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, REPO_ROOT, stopAll, tempDir } from '../helpers/processes.js';
import { extractFfmpegExamples, runExample, substitute, type DocExample } from './doc-examples.js';
import { startStreamServer, streamUrl, W, H } from './ffmpeg-fixtures.js';
import { makeVariableRateVideo, probeRates, VFR_H, VFR_W } from './frame-accounting-fixtures.js';

const ppmBytes = (w: number, h: number) => `P6\n${w} ${h}\n255\n`.length + w * h * 3;

function docExamples(): DocExample[] {
  const files = [
    'README.md',
    ...readdirSync(join(REPO_ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  return files.flatMap((f) => extractFfmpegExamples(readFileSync(join(REPO_ROOT, f), 'utf8'), f));
}

describe('ffmpeg and ffprobe examples in the docs (real ffmpeg)', function () {
  this.timeout(60_000);
  let clip: string;
  let clipFrames: number;
  before(() => {
    clip = makeVariableRateVideo(tempDir('adeline-docs-ffmpeg-'));
    clipFrames = probeRates(clip).nbReadFrames;
  });
  after(() => stopAll());

  /** Runs one example; returns why it failed, or null. */
  async function check(ex: DocExample): Promise<string | null> {
    const stream = ex.command.includes('<url>');
    let url = '';
    if (stream) {
      const port = await freePort();
      await startStreamServer(port);
      url = streamUrl(port);
    }
    const command = substitute(ex.command, { file: clip, url });
    const decodesPpm = /-c:v ppm\b/.test(command) && /pipe:1\b/.test(command);
    const r = await runExample(command, {
      timeoutMs: 30_000,
      ...(stream && decodesPpm ? { stopAfterBytes: ppmBytes(W, H) } : {}),
    });
    const where = `${ex.where}: ${ex.command}`;
    if (r.code !== 0 && r.code !== null) return `${where}\n  exit ${r.code}: ${r.stderr.trim()}`;
    if (stream && decodesPpm && r.stdoutBytes < ppmBytes(W, H))
      return `${where}\n  no whole frame from the stream`;
    if (!stream && decodesPpm && r.stdoutBytes !== clipFrames * ppmBytes(VFR_W, VFR_H))
      return `${where}\n  ${r.stdoutBytes / ppmBytes(VFR_W, VFR_H)} frames written, the file has ${clipFrames}`;
    if (
      !stream &&
      command.includes('-count_frames') &&
      !r.stdout.includes(`nb_read_frames=${clipFrames}`)
    )
      return `${where}\n  does not report nb_read_frames=${clipFrames}: ${r.stdout}`;
    return null;
  }

  it('finds the examples, including the command lines Adeline runs', () => {
    const all = docExamples();
    assert.ok(all.length >= 4, `examples found: ${JSON.stringify(all, null, 1)}`);
    const sources = all.filter((e) => e.where.startsWith('docs/sources.md'));
    assert.ok(
      sources.some(
        (e) => e.command.includes('-fps_mode passthrough') && e.command.includes('<file>'),
      ),
      'the file command line of docs/sources.md',
    );
    assert.ok(
      sources.some((e) => e.command.includes('<url>')),
      'the stream command line',
    );
  });

  it('runs every example: exit 0, every frame of the file once, the right frame count', async () => {
    const failures: string[] = [];
    for (const ex of docExamples()) {
      const why = await check(ex);
      if (why) failures.push(why);
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  });

  it('fails on a broken example: -analyzeduration 1s, which ffmpeg 5.1 rejects', async () => {
    const md = [
      'Before the fix, docs/sources.md said:',
      '',
      '```sh',
      'ffmpeg -hide_banner -loglevel error -analyzeduration 1s -i <file> \\',
      '  -f null -',
      '```',
    ].join('\n');
    const [ex, ...rest] = extractFfmpegExamples(md, 'broken.md');
    assert.deepEqual(rest, []);
    assert.equal(ex!.where, 'broken.md:4');
    assert.equal(
      ex!.command,
      'ffmpeg -hide_banner -loglevel error -analyzeduration 1s -i <file> -f null -',
    );
    const why = await check(ex!);
    assert.ok(why !== null, 'the broken example is reported');
    assert.match(why, /exit [1-9]/);
    assert.match(why, /broken\.md:4/);
  });

  it('fails on a decode example that invents frames (no passthrough timing)', async () => {
    const [ex] = extractFfmpegExamples(
      '`ffmpeg -loglevel error -i <file> -f image2pipe -c:v ppm -pix_fmt rgb24 pipe:1`',
      'old.md',
    );
    const why = await check(ex!);
    assert.match(why ?? '', /frames written, the file has 75/);
  });

  it('rejects a placeholder it does not know, so no example goes unrun', () => {
    assert.throws(
      () => substitute('ffprobe <camera>', { file: 'a', url: 'b' }),
      /unknown placeholder <camera>/,
    );
    assert.deepEqual(
      extractFfmpegExamples(
        'mentions `ffmpeg -re` and `ffprobe` only\n```yaml\nffmpeg -i x\n```',
        'x.md',
      ),
      [],
      'a flag mention or a non-shell block is not an example',
    );
  });
});

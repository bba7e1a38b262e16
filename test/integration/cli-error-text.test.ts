/**
 * The three error texts of issue 13 (Deliver 6) through the real CLI: a truncated mp4 gives ONE
 * error line (ffmpeg's "moov atom not found" and "Invalid data" flattened together), a model with
 * a non-UTF-8 attribute name shows the bad byte as a visible \uFFFD, and `--set mqtt.qos.data=7`
 * lists the allowed values. Each also exits 1 with no stack trace.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { garbageAttributeModel, writeModel } from '../fixtures/onnx-models.js';
import { assertCleanError, CliBatch, isolatedRunArgs } from '../helpers/cli.js';
import { stopAll, tempDir } from '../helpers/processes.js';

describe('adeline CLI: error lines that are one line, visible and complete', function () {
  this.timeout(60_000);
  const dir = tempDir('adeline-cli-text-');
  const truncated = join(dir, 'truncated.mp4');
  const garbageModel = join(dir, 'garbage-attribute.onnx');
  const runs = new CliBatch(3);

  before(() => {
    const full = join(dir, 'full.mp4');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x120:rate=10',
      '-t',
      '2',
      '-pix_fmt',
      'yuv420p',
      full,
    ]);
    // The first 3,000 bytes: ftyp and part of mdat, no moov atom (as `head -c 3000` leaves it).
    writeFileSync(truncated, execFileSync('head', ['-c', '3000', full]));
    assert.equal(readFileSync(truncated).length, 3000);
    writeModel(dir, 'garbage-attribute.onnx', garbageAttributeModel());
    const run = (key: string, args: string[]) =>
      runs.add(key, ['run', ...isolatedRunArgs(), '--frames', '1', ...args]);
    run('truncated', ['--source', truncated]);
    run('garbage attribute', ['--model', garbageModel]);
    run('qos 7', ['--set', 'mqtt.qos.data=7']);
    runs.add('semi-space abc', ['--help'], { env: { ADELINE_MAX_SEMI_SPACE_MB: '16MB' } });
  });
  after(() => stopAll());

  it("rejects a truncated mp4 with one line that flattens both of ffmpeg's lines", async () => {
    const r = await runs.get('truncated');
    const line = assertCleanError(
      r,
      'ADELINE_ERR_SOURCE_DECODE',
      1,
      truncated,
      'moov atom not found (Invalid data found when processing input)',
    );
    assert.ok(!line.includes(' @ 0x'), `no [mov,mp4 @ 0x…] prefix: ${line}`);
    assert.ok(!r.stderr.includes(`file:${truncated}`), `no second ffmpeg line:\n${r.stderr}`);
  });

  it('rejects a model with a garbage attribute name, showing the bad byte as \\uFFFD', async () => {
    const r = await runs.get('garbage attribute');
    const line = assertCleanError(
      r,
      'ADELINE_ERR_MODEL_FORMAT',
      1,
      garbageModel,
      'Unrecognized attribute: dilation\\uFFFD',
    );
    assert.ok(!line.includes('\uFFFD'), `no raw U+FFFD in: ${line}`);
    const control = [...line].filter((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
    assert.deepEqual(control, [], `no control characters in: ${line}`);
  });

  it('rejects --set mqtt.qos.data=7 listing the allowed values', async () => {
    const r = await runs.get('qos 7');
    assertCleanError(r, 'ADELINE_ERR_CONFIG', 1, 'invalid configuration');
    assert.match(r.stderr, /^ {2}- mqtt\.qos\.data: must be one of 0, 1, 2 \(got 7\)$/m);
    assert.ok(!r.stderr.includes('Invalid input'), r.stderr);
  });

  it('rejects an ADELINE_MAX_SEMI_SPACE_MB that is not a whole number of MB, before starting Node', async () => {
    const r = await runs.get('semi-space abc');
    assertCleanError(
      r,
      'ADELINE_ERR_USAGE',
      2,
      'ADELINE_MAX_SEMI_SPACE_MB',
      '"16MB"',
      'default 16',
    );
  });
});

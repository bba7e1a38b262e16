import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxFormatError, readOnnxHeader } from '../../src/inference/onnx-header.js';
import { constantModel, writeModel } from '../fixtures/onnx-models.js';
import { tempDir } from '../helpers/processes.js';

describe('ONNX header reader', () => {
  const dir = tempDir();
  const bytes = constantModel({
    outputs: [{ name: 'output0', dims: [1, 6, 84], data: new Float32Array(6 * 84) }],
    metadata: { names: "{0: 'person', 1: 'fallen_person'}", imgsz: '[64, 64]', stride: '32' },
  });
  const good = writeModel(dir, 'good.onnx', bytes);

  it('reads metadata_props, IR version, opsets and producer without parsing the graph', async () => {
    const h = await readOnnxHeader(good);
    assert.deepEqual(h.metadata, {
      names: "{0: 'person', 1: 'fallen_person'}",
      imgsz: '[64, 64]',
      stride: '32',
    });
    assert.equal(h.irVersion, 8);
    assert.deepEqual(h.opsets, [{ domain: '', version: 17 }]);
    assert.equal(h.producerName, 'adeline-test');
    assert.equal(h.fileBytes, bytes.length);
  });

  const bad = (name: string, data: Uint8Array | string) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };

  it('rejects an empty file', async () => {
    await assert.rejects(
      readOnnxHeader(bad('empty.onnx', '')),
      (e: unknown) => e instanceof OnnxFormatError && /empty/.test(e.message),
    );
  });

  it('rejects a truncated model', async () => {
    const p = bad('trunc.onnx', bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assert.rejects(
      readOnnxHeader(p),
      (e: unknown) =>
        e instanceof OnnxFormatError && /truncated|past the end|ended/.test(e.message),
    );
  });

  it('rejects text and random bytes', async () => {
    await assert.rejects(
      readOnnxHeader(bad('text.onnx', 'this is not a model\n')),
      OnnxFormatError,
    );
    let seed = 1;
    const noise = Uint8Array.from(
      { length: 4096 },
      () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255,
    );
    await assert.rejects(readOnnxHeader(bad('noise.onnx', noise)), OnnxFormatError);
  });

  it('rejects a well-formed protobuf without a graph', async () => {
    // field 1 (ir_version) = 8, nothing else
    await assert.rejects(
      readOnnxHeader(bad('nograph.onnx', Uint8Array.from([0x08, 0x08]))),
      /no graph/,
    );
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineFile, kernelClass } from '../../bench/lib/baseline-file.js';
import {
  baselineCaveat,
  baselineNote,
  chooseBaseline,
  loadBaseline,
} from '../../bench/lib/detection-check.js';

const HERE = { instructionSets: ['avx', 'avx2', 'fma', 'f16c'], onnxruntime: '1.30.0' };

describe('bench detection baseline: when it is held to the bar', () => {
  it('holds the bar (no caveat) when the baseline was captured with the same kernels', () => {
    const m = {
      cpuModel: 'AMD EPYC',
      instructionSets: [...HERE.instructionSets],
      onnxruntime: '1.30.0',
    };
    assert.equal(baselineCaveat(m, HERE), null);
  });

  it('names both instruction-set lists when the CPU differs', () => {
    const m = {
      cpuModel: 'Intel Xeon',
      instructionSets: ['avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512_vnni'],
      onnxruntime: '1.30.0',
    };
    const c = baselineCaveat(m, HERE);
    assert.ok(c, 'a caveat is expected');
    assert.match(c, /Intel Xeon/);
    assert.match(c, /avx512f avx512_vnni there, avx avx2 fma f16c here/);
    assert.doesNotMatch(c, /onnxruntime/);
  });

  it('holds the bar within the same kernel class, and notes the flags that differ', () => {
    // The avx512vnni baseline's CPU, and a later EPYC that also has avx_vnni (which MLAS does
    // not use once it has AVX-512 VNNI).
    const isa = ['avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni'];
    const m = {
      cpuModel: 'AMD EPYC',
      instructionSets: [...isa, 'avx512_bf16'],
      onnxruntime: '1.30.0',
    };
    const here = { instructionSets: [...isa, 'avx_vnni', 'avx512_bf16'], onnxruntime: '1.30.0' };
    assert.equal(baselineCaveat(m, here), null);
    assert.equal(
      baselineNote(m, here),
      "same kernel class (avx512vnni) as the baseline's CPU; other instruction sets: avx_vnni here only",
    );
    const fewer = { instructionSets: isa, onnxruntime: '1.30.0' };
    assert.match(baselineNote(m, fewer) ?? '', /avx512_bf16 there only/);
    assert.equal(baselineNote(m, { ...here, instructionSets: m.instructionSets }), null);
    assert.equal(baselineNote(m, HERE), null, 'another class: the caveat speaks, not the note');
    assert.ok(baselineCaveat(m, HERE), 'avx2 against avx512vnni is not held to the bar');
    assert.match(
      baselineCaveat(m, { ...here, onnxruntime: '1.31.0' }) ?? '',
      /onnxruntime-node 1\.30\.0 there, 1\.31\.0 here/,
      'the same class with another ONNX Runtime is not held to the bar',
    );
  });

  it('names both ONNX Runtime versions when only the runtime differs', () => {
    const m = {
      cpuModel: 'AMD EPYC',
      instructionSets: [...HERE.instructionSets],
      onnxruntime: '1.22.0',
    };
    assert.match(baselineCaveat(m, HERE) ?? '', /onnxruntime-node 1\.22\.0 there, 1\.30\.0 here/);
  });

  it('asks for a re-capture when the baseline does not say where it was captured', () => {
    assert.match(baselineCaveat(undefined, HERE) ?? '', /re-capture/);
    assert.match(baselineCaveat({ cpuModel: 'x' }, HERE) ?? '', /re-capture/);
  });

  it('reads no baseline from a missing, malformed or case-less file rather than throwing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adeline-baseline-'));
    try {
      assert.equal(loadBaseline(join(dir, 'absent.json')), null);
      writeFileSync(join(dir, 'bad.json'), '{ not json');
      assert.equal(loadBaseline(join(dir, 'bad.json')), null);
      writeFileSync(join(dir, 'nocases.json'), '{"commit":"abc","cases":null}');
      assert.equal(loadBaseline(join(dir, 'nocases.json')), null);
      writeFileSync(join(dir, 'ok.json'), '{"commit":"abc","cases":{"k":[]}}');
      assert.deepEqual(loadBaseline(join(dir, 'ok.json'))?.cases, { k: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the baseline file by the kernel class MLAS dispatches to', () => {
    assert.equal(kernelClass(['avx', 'avx2', 'fma', 'f16c']), 'avx2');
    assert.equal(kernelClass(['avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl']), 'avx512');
    assert.equal(
      kernelClass(['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni']),
      'avx512vnni',
    );
    assert.equal(
      kernelClass(['avx2', 'fma', 'avx512f']),
      'avx2',
      'AVX-512F alone is not the AVX-512 core',
    );
    assert.equal(kernelClass([]), 'generic');
    assert.match(baselineFile(['avx2', 'fma']), /realvideo-detections\.avx2\.json$/);
  });

  it('chooses the file captured with these kernels, else another one with its caveat', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adeline-baselines-'));
    const write = (name: string, isa: string[]) =>
      writeFileSync(
        join(dir, name),
        JSON.stringify({
          machine: { cpuModel: name, instructionSets: isa, onnxruntime: '1.30.0' },
          cases: {},
        }),
      );
    try {
      assert.equal(chooseBaseline(dir, HERE), null, 'an empty directory has no baseline');
      assert.equal(chooseBaseline(join(dir, 'absent'), HERE), null);
      write('realvideo-detections.avx512vnni.json', ['avx', 'avx2', 'avx512f', 'avx512_vnni']);
      writeFileSync(join(dir, 'realvideo-detections.broken.json'), '{');
      writeFileSync(join(dir, 'other.json'), JSON.stringify({ cases: {} }));
      const other = chooseBaseline(dir, HERE);
      assert.match(other?.path ?? '', /avx512vnni/);
      assert.match(other?.caveat ?? '', /another CPU/);
      write('realvideo-detections.avx2.json', [...HERE.instructionSets]);
      const same = chooseBaseline(dir, HERE);
      assert.match(same?.path ?? '', /realvideo-detections\.avx2\.json$/);
      assert.equal(same?.caveat, null);
      assert.equal(same?.note, null);
      // A CPU of the avx512vnni class with one more flag than the file's: that file, held to the
      // bar, not the alphabetically first (avx2) one.
      const vnni = {
        instructionSets: ['avx', 'avx2', 'avx512f', 'avx512_vnni', 'avx_vnni'],
        onnxruntime: '1.30.0',
      };
      const sameClass = chooseBaseline(dir, vnni);
      assert.match(sameClass?.path ?? '', /avx512vnni/);
      assert.equal(sameClass?.caveat, null);
      assert.match(sameClass?.note ?? '', /avx_vnni here only/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

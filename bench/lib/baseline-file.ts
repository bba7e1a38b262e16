/**
 * Where the realvideo detections baselines live: one file per class of CPU kernels, because ONNX
 * Runtime's AVX2 and AVX-512/VNNI kernels sum in another order and the same frame gives boxes a
 * fraction of a pixel apart (see machine.ts). Kept free of other bench imports so that
 * bench/dev/capture-baseline.ts can be copied, with this file and machine.ts, into a worktree of
 * an older commit and capture that code's detections.
 */
import { join } from 'node:path';

export const BASELINE_DIR = join('bench', 'baselines');
const PREFIX = 'realvideo-detections.';

/** The kernel class MLAS dispatches to on a CPU with these instruction sets. */
export function kernelClass(isa: readonly string[]): string {
  const has = (f: string) => isa.includes(f);
  if (has('amx_tile')) return 'amx';
  if (has('avx512_vnni')) return 'avx512vnni';
  if (has('avx512f') && has('avx512bw') && has('avx512vl')) return 'avx512';
  if (has('avx_vnni')) return 'avxvnni';
  if (has('avx2') && has('fma')) return 'avx2';
  return 'generic';
}

/** bench/baselines/realvideo-detections.<kernel class>.json */
export function baselineFile(isa: readonly string[]): string {
  return join(BASELINE_DIR, `${PREFIX}${kernelClass(isa)}.json`);
}

export function isBaselineFile(name: string): boolean {
  return name.startsWith(PREFIX) && name.endsWith('.json');
}

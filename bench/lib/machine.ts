/** The machine a run was measured on, and whether it was quiet enough to trust. */
import { cpus, loadavg, totalmem, hostname, release, platform } from 'node:os';
import { readFileSync } from 'node:fs';

/** Load average (1 min) above which the figures are not results (other work shares the cores). */
export const LOAD_WARN = 1.5;

export interface MachineInfo {
  hostname: string;
  os: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  onnxruntime: string;
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text);
    if (m?.[1]) return `${m[1]} (${platform()} ${release()})`;
  } catch {
    /* not Linux */
  }
  return `${platform()} ${release()}`;
}

function packageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    hostname: hostname(),
    os: osName(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    onnxruntime: packageVersion('onnxruntime-node'),
  };
}

/** [1 min, 5 min, 15 min] load averages, rounded. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = loadavg();
  const r = (v: number | undefined) => Math.round((v ?? 0) * 100) / 100;
  return [r(a), r(b), r(c)];
}

/**
 * The instruction sets ONNX Runtime's CPU kernels (MLAS) choose between, as this CPU reports them.
 * A float or int8 kernel written for AVX-512 or VNNI sums in another order than its AVX2 twin, so
 * the same model on the same frame can give boxes a fraction of a pixel apart on another CPU:
 * detections are compared exactly only between runs on the same instruction sets.
 */
const KERNEL_ISA = [
  'avx',
  'avx2',
  'fma',
  'f16c',
  'avx512f',
  'avx512bw',
  'avx512vl',
  'avx512_vnni',
  'avx_vnni',
  'avx512_bf16',
  'amx_tile',
  'amx_int8',
] as const;

export function instructionSets(): string[] {
  try {
    const m = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    const flags = new Set((m?.[1] ?? '').split(/\s+/));
    return KERNEL_ISA.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

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

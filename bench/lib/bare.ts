/** Runs bench/bare-ort.ts in its own process and returns its figures. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, nodeBin } from '../../test/helpers/processes.js';
import type { Distribution } from './stats.js';

const run = promisify(execFile);

export type BareOptions = 'service' | 'ort-default';

export interface BareResult {
  model: string;
  input: number[];
  output: number[];
  threads: number;
  /** `service`: the worker's session options; `ort-default`: with ONNX Runtime's spinning. */
  options: BareOptions;
  runs: number;
  fps: number;
  cores: number;
  runMs: Distribution;
}

export async function bareOrt(
  model: string,
  threads: number,
  warmupS: number,
  windowS: number,
  options: BareOptions = 'service',
): Promise<BareResult> {
  const script = join(REPO_ROOT, 'bench', 'children', 'bare-ort.ts');
  const { stdout } = await run(
    nodeBin(),
    ['--import', 'tsx', script, model, String(threads), String(warmupS), String(windowS), options],
    { cwd: REPO_ROOT, timeout: (warmupS + windowS + 60) * 1000, maxBuffer: 1 << 20 },
  );
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as BareResult;
}

/** Runs bench/bare-ort.ts in its own process and returns its figures. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, nodeBin } from '../../test/helpers/processes.js';
import type { Distribution } from './stats.js';

const run = promisify(execFile);

export interface BareResult {
  model: string;
  input: number[];
  output: number[];
  threads: number;
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
): Promise<BareResult> {
  const script = join(REPO_ROOT, 'bench', 'children', 'bare-ort.ts');
  const { stdout } = await run(
    nodeBin(),
    ['--import', 'tsx', script, model, String(threads), String(warmupS), String(windowS)],
    { cwd: REPO_ROOT, timeout: (warmupS + windowS + 60) * 1000, maxBuffer: 1 << 20 },
  );
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as BareResult;
}

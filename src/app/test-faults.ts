/**
 * Test-only fault injection for the running service, inert unless ADELINE_TEST_FAULTS=1.
 * With ADELINE_TEST_FAULT_FILE=PATH, the service polls PATH: when it holds a FaultSpec JSON
 * (e.g. {"kind":"crash"}), the inference worker fails that way; when the file is removed or empty,
 * the model recovers. Integration tests use it to break and heal the real worker.
 */
import { readFileSync } from 'node:fs';
import type { InferenceEngine } from '../inference/index.js';

type Spec = Parameters<InferenceEngine['setFault']>[0];

export function watchFaultFile(
  engine: InferenceEngine,
  env: NodeJS.ProcessEnv = process.env,
  intervalMs = 100,
): () => void {
  const file = env.ADELINE_TEST_FAULT_FILE;
  if (env.ADELINE_TEST_FAULTS !== '1' || !file) return () => {};
  let last = '';
  const poll = () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch {
      text = '';
    }
    if (text === last) return;
    last = text;
    try {
      engine.setFault(text ? (JSON.parse(text) as Spec) : null);
    } catch {
      /* a half-written file is read again on the next poll */
      last = '';
    }
  };
  poll();
  const t = setInterval(poll, intervalMs);
  t.unref();
  return () => clearInterval(t);
}

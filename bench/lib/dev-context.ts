/** The BenchContext of the development runners in bench/dev/ (full windows, logs on stderr). */
import type { BenchContext } from './context.js';
import type { BenchInfra } from './infra.js';
import type { BenchModel } from './models.js';

export function devContext(infra: BenchInfra, model: BenchModel): BenchContext {
  return {
    opts: { quick: false, only: [], writeDocs: false, profile: false },
    brokerUrl: infra.brokerUrl,
    sink: infra.sink,
    deadEndpoint: infra.deadEndpoint,
    counter: infra.counter,
    models: [model],
    soakModel: model,
    profileDir: '',
    log: (m: string) => process.stderr.write(m + '\n'),
  };
}

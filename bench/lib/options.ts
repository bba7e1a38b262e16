/** Command-line options of bench/run.ts. */
import { parseArgs } from 'node:util';
import type { BenchOptions } from './context.js';

export const SCENARIOS = [
  'throughput',
  'responsiveness',
  'latency',
  'mqtt',
  'scaling',
  'soak',
  'outage',
  'liveview',
  'burst',
  'profile',
  'realvideo',
] as const;

/** Scenarios that run only when asked for (--profile or --only). */
export const ON_DEMAND: readonly string[] = ['profile'];

export const USAGE = `Usage: npm run bench [-- options]

Runs the benchmark suite (about 18 minutes on 2 cores), prints a table and writes bench/results.json
and bench/results.md. Run it on a quiet machine: it warns when the load average is above 1.5.

Options:
  --quick          short windows and frame counts, for developing the suite (not results)
  --only LIST      comma-separated scenarios: ${SCENARIOS.join(', ')}
  --write-docs     also replace the results section of docs/benchmarks.md
  --profile        also profile the full-speed runs (node --cpu-prof, every thread) and summarise
  -h, --help       this help`;

export function parseOptions(argv: string[]): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'write-docs': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const only = (values.only ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of only) {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new RangeError(`--only: unknown scenario "${s}"; use ${SCENARIOS.join(', ')}`);
    }
  }
  return {
    quick: values.quick,
    only,
    writeDocs: values['write-docs'],
    profile: values.profile,
  };
}

/** What every scenario gets: the options, the shared infrastructure and the models. */
import type { BenchModel } from './models.js';
import type { MessageCounter } from './message-counter.js';
import type { CountingOtlpSink } from './otlp-sink.js';

export interface BenchOptions {
  /** Short windows and frame counts: for developing the suite, not for results. */
  quick: boolean;
  /** Scenarios to run (all when empty). */
  only: string[];
  /** Also write the results section of docs/benchmarks.md. */
  writeDocs: boolean;
  /** Record --cpu-prof profiles of the full-speed runs and summarise them. */
  profile: boolean;
}

export interface BenchContext {
  opts: BenchOptions;
  brokerUrl: string;
  sink: CountingOtlpSink;
  /** An OTLP endpoint on a closed loopback port (the dead collector). */
  deadEndpoint: string;
  counter: MessageCounter;
  /** Demo model first when present; the YOLOv8n-sized model always. */
  models: BenchModel[];
  soakModel: BenchModel;
  /** Where profiles go when opts.profile is set. */
  profileDir: string;
  /** Progress line on stderr (the table goes to stdout). */
  log(message: string): void;
}

/** Picks the full or the quick value of a duration or count. */
export function pick<T>(ctx: BenchContext, full: T, quick: T): T {
  return ctx.opts.quick ? quick : full;
}

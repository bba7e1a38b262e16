/**
 * Publishes in flight, so that shutdown can wait for them (bounded) and hand the ones still
 * waiting to the spool; their callers then resolve as spooled.
 */
import type { SpoolRecord } from '../resilience/types.js';
import { settleWithin } from './async-utils.js';

interface Entry {
  rec: SpoolRecord;
  abandon: () => void;
  /** Settles when the publish finished either way. */
  settled: Promise<void>;
}

const noop = (): void => undefined;

export class InFlight {
  private readonly entries = new Set<Entry>();

  /** Resolves 'ok' when publish resolves, 'abandoned' when abandonRest() took the record; rejects like publish. */
  async track(rec: SpoolRecord, publish: Promise<void>): Promise<'ok' | 'abandoned'> {
    let abandon!: () => void;
    const abandoned = new Promise<'abandoned'>((resolve) => (abandon = () => resolve('abandoned')));
    const race = Promise.race([publish.then(() => 'ok' as const), abandoned]);
    const entry: Entry = { rec, abandon, settled: race.then(noop, noop) };
    this.entries.add(entry);
    try {
      return await race;
    } finally {
      this.entries.delete(entry);
    }
  }

  /** Waits up to timeoutMs for every publish in flight; hands each one still waiting to `take`. */
  async abandonRest(
    timeoutMs: number,
    take: (rec: SpoolRecord) => Promise<unknown>,
  ): Promise<void> {
    await settleWithin(Promise.all([...this.entries].map((e) => e.settled)), timeoutMs);
    for (const e of [...this.entries]) {
      this.entries.delete(e);
      await take(e.rec).catch(noop);
      e.abandon();
    }
  }
}

/**
 * Shared pieces of the resilience integration tests (test/integration/resilience-*.test.ts):
 * a Mosquitto whose sessions survive a SIGKILL and restart, a /metrics scraper that keeps every
 * scrape, and the frame_processed log lines of a service run.
 */
import { chmodSync, cpSync, existsSync } from 'node:fs';
import mqtt from 'mqtt';
import { join } from 'node:path';
import { ConfigSchema } from '../../src/config/schema.js';
import { DiskSpool } from '../../src/resilience/spool.js';
import type { SpoolRecord } from '../../src/resilience/types.js';
import { startMosquitto, tempDir, type Mosquitto } from './processes.js';
import type { LogLine, ServiceRun } from './service.js';
import { waitFor } from './wait.js';

/**
 * Mosquitto with persistence in `dataDir`, saved every second: a persistent subscriber session
 * (clean: false) made more than a second before a SIGKILL is still there after a restart on the
 * same port, so the subscriber misses nothing the restarted broker receives while it reconnects.
 */
export async function startPersistentMosquitto(
  dataDir: string,
  port?: number,
  extraConf: string[] = [],
): Promise<Mosquitto> {
  chmodSync(dataDir, 0o777); // mosquitto drops root privileges to its own user
  return startMosquitto(
    [
      'persistence true',
      `persistence_location ${dataDir}/`,
      'autosave_interval 1',
      'max_queued_messages 0',
      ...extraConf,
    ],
    port,
  );
}

export function persistenceDir(): string {
  return tempDir('adeline-mosq-data-');
}

export interface Scrape {
  atMs: number;
  status: number | null;
  text: string;
}

/** GETs /metrics every intervalMs and keeps each scrape. */
export class MetricsScraper {
  readonly scrapes: Scrape[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly intervalMs = 1000,
  ) {}

  start(): this {
    const tick = () => {
      if (this.inflight) return;
      this.inflight = this.scrape().finally(() => (this.inflight = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    return this;
  }

  private async scrape(): Promise<void> {
    const atMs = Date.now();
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(3000) });
      this.scrapes.push({ atMs, status: res.status, text: await res.text() });
    } catch {
      this.scrapes.push({ atMs, status: null, text: '' });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight;
  }
}

/** The frame_processed debug lines (one per finished frame) with their message ids and times. */
export function processedFrames(run: ServiceRun): Array<{
  messageId: number;
  sourceId: number;
  traceId: string | undefined;
  atMs: number;
  line: LogLine;
}> {
  return run
    .logs()
    .filter((l) => l.event === 'frame_processed')
    .map((l) => ({
      messageId: Number(l.message_id),
      sourceId: Number(l.source_id),
      traceId: l.trace_id,
      atMs: Date.parse(String(l.time)),
      line: l,
    }));
}

/**
 * The records waiting in a spool directory a (stopped) service left behind, oldest first. Reads
 * a copy, so the directory itself is left as it is for the next run.
 */
export async function spooledRecords(dir: string): Promise<SpoolRecord[]> {
  if (!existsSync(dir)) return [];
  const copy = join(tempDir('adeline-spool-copy-'), 'spool');
  cpSync(dir, copy, { recursive: true });
  const cfg = ConfigSchema.parse({ spool: { dir: copy, fsync: 'never' } }).spool;
  const spool = new DiskSpool(cfg);
  await spool.open();
  const out: SpoolRecord[] = [];
  try {
    for (let rec = await spool.peek(); rec !== null; rec = await spool.peek()) {
      out.push(rec);
      await spool.ack();
    }
  } finally {
    await spool.close();
  }
  return out;
}

/**
 * Pauses the service: sends `pause` until its reply arrives (a command sent while the control
 * plane is still re-subscribing after a broker restart is not queued for it).
 */
export async function pauseService(url: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 100 });
  let replied = false;
  c.on('message', (_t, payload) => {
    if (/"paused"/.test(payload.toString())) replied = true;
  });
  try {
    await c.subscribeAsync('inference/control/status', { qos: 1 });
    await waitFor(
      async () => {
        if (!replied)
          await c.publishAsync('inference/control/commands', '{"command":"pause"}', { qos: 1 });
        return replied;
      },
      { timeoutMs: 15_000, intervalMs: 500, what: 'the reply to pause' },
    );
  } finally {
    await c.endAsync(true);
  }
}

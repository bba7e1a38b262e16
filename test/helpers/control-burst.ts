/**
 * A burst of control commands, as an operator sends them: one MQTT client publishes `count`
 * commands (QoS 1, pipelined, each with its own request_id) to the commands topic and collects
 * the replies on the status topic until every request_id has one, or the deadline passes.
 * Shared by test/integration/control-burst.test.ts and bench/scenarios/burst.ts.
 */
import mqtt from 'mqtt';

export interface BurstOptions {
  url: string;
  count: number;
  username?: string;
  password?: string;
  /**
   * The commands sent (JSON bodies without request_id), used in turn: command i is
   * bodies[i % bodies.length]. Default [{"command":"status"}].
   */
  bodies?: Array<Record<string, unknown>>;
  commandsTopic?: string;
  statusTopic?: string;
  /** How long to wait for the last reply, ms. Default 60000. */
  timeoutMs?: number;
  /** Distinguishes the request ids of several bursts. */
  tag?: string;
}

export interface BurstResult {
  sent: number;
  /** Replies with a request_id of this burst, by reply status (running, paused, error…). */
  byStatus: Record<string, number>;
  /** Error replies by error code. */
  errors: Record<string, number>;
  /** Request ids that got no reply before the deadline. */
  missing: number;
  /** Request ids that got more than one reply. */
  duplicated: number;
  /** From the first publish to the last reply, ms. */
  durationMs: number;
}

interface Reply {
  status?: string;
  request_id?: string | number;
  error?: { code?: string };
}

export async function sendBurst(o: BurstOptions): Promise<BurstResult> {
  const tag = o.tag ?? `b${Date.now().toString(36)}`;
  const commands = o.commandsTopic ?? 'inference/control/commands';
  const statusTopic = o.statusTopic ?? 'inference/control/status';
  const client = await mqtt.connectAsync(o.url, {
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...(o.username === undefined ? {} : { username: o.username, password: o.password }),
  });
  const seen = new Map<string, number>();
  const byStatus: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let replies = 0;
  let done: () => void = () => undefined;
  const allIn = new Promise<void>((resolve) => (done = resolve));
  if (o.count === 0) done();
  client.on('message', (_topic, payload) => {
    let r: Reply;
    try {
      r = JSON.parse(payload.toString()) as Reply;
    } catch {
      return;
    }
    const id = typeof r.request_id === 'string' ? r.request_id : '';
    if (!id.startsWith(`${tag}-`)) return;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) return;
    const status = r.status ?? '?';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === 'error') {
      const code = r.error?.code ?? '?';
      errors[code] = (errors[code] ?? 0) + 1;
    }
    if (++replies === o.count) done();
  });
  try {
    await client.subscribeAsync(statusTopic, { qos: 1 });
    const t0 = performance.now();
    const bodies = o.bodies ?? [{ command: 'status' }];
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < o.count; i++) {
      const body = bodies[i % bodies.length];
      const payload = JSON.stringify({ ...body, request_id: `${tag}-${i}` });
      sends.push(client.publishAsync(commands, payload, { qos: 1 }));
    }
    await Promise.all(sends);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      allIn,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, o.timeoutMs ?? 60_000))),
    ]);
    clearTimeout(timer);
    const durationMs = performance.now() - t0;
    const duplicated = [...seen.values()].filter((n) => n > 1).length;
    return {
      sent: o.count,
      byStatus,
      errors,
      missing: o.count - replies,
      duplicated,
      durationMs,
    };
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}

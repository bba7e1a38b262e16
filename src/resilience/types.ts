/**
 * Contracts between resilience policies and the components they protect. Policies are built
 * from config in src/resilience/policies.ts and injected; nobody hand-rolls a retry loop.
 */

/** Runs one call through bulkhead → breaker → retry → timeout (or a subset). */
export interface CallPolicy {
  /** The `service` label of the policy's metrics (e.g. mqtt_publish, inference). */
  readonly service: string;
  /** Runs fn under the policy. fn receives an AbortSignal that fires on timeout. */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** closed, open, half-open or isolated. */
  breakerState(): 'closed' | 'open' | 'half-open' | 'isolated';
}

/** Retries an attempt forever with capped exponential backoff until it succeeds or `signal` aborts. */
export interface ReconnectPolicy {
  run<T>(attempt: (attemptNo: number) => Promise<T>, signal: AbortSignal): Promise<T>;
}

/** One spooled MQTT message. */
export interface SpoolRecord {
  topic: string;
  /** The exact payload that would have been published (UTF-8 JSON). */
  payload: string;
  qos: 0 | 1 | 2;
  sourceId: number;
  messageId: number;
  traceparent?: string;
  tracestate?: string;
  /** Epoch ms when it was spooled. */
  spooledAtMs: number;
}

/** A bounded, append-only, crash-safe on-disk queue of messages (src/resilience/spool.ts). */
export interface Spool {
  open(): Promise<void>;
  append(rec: SpoolRecord): Promise<void>;
  /** Oldest record not yet acknowledged, or null when empty. Does not remove it. */
  peek(): Promise<SpoolRecord | null>;
  /** Removes the record returned by the last peek(). */
  ack(): Promise<void>;
  /** Up to n records from the oldest, without removing them. */
  peekBatch(n: number): Promise<SpoolRecord[]>;
  /** Removes the first k records of the last peekBatch(). */
  ackBatch(k: number): Promise<void>;
  /** Records waiting. */
  size(): number;
  bytes(): number;
  close(): Promise<void>;
  /** Health view: usage and drop counters (optional so that test doubles need not implement it). */
  status?(): SpoolStatus;
}

/** What health checks read from a spool. */
export interface SpoolStatus {
  messages: number;
  bytes: number;
  maxBytes: number;
  /** bytes / maxBytes, 0–1. */
  usageRatio: number;
  /** True from the first record dropped for space until the spool is empty again (health: degraded). */
  full: boolean;
  /** Records dropped because the spool was full, since open(). */
  droppedFull: number;
  /** Corrupt or truncated records skipped, since open(). */
  droppedCorrupt: number;
}

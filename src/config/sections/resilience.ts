/** Config sections: ResilienceSchema, SpoolSchema, ShutdownSchema. Units and defaults are in each description. */
import { z } from 'zod';
import { posInt } from './helpers.js';

export const ResilienceSchema = z.object({
  publish: z
    .object({
      bulkhead: z
        .object({
          limit: posInt(64, 1, 100000, 'Concurrent publishes in flight.'),
          queue: posInt(
            1024,
            0,
            1_000_000,
            'Publishes waiting for a slot; beyond it they are rejected and spooled.',
          ),
        })
        .prefault({}),
      breaker: z
        .object({
          consecutive_failures: posInt(5, 1, 10000, 'Consecutive failures that open the breaker.'),
          half_open_after_ms: posInt(
            2000,
            10,
            3600000,
            'Time the breaker stays open before a trial call, milliseconds.',
          ),
        })
        .prefault({}),
      retry: z
        .object({
          max_attempts: posInt(2, 0, 100, 'Retries after the first attempt.'),
          initial_delay_ms: posInt(
            50,
            1,
            600000,
            'First retry delay, milliseconds (exponential, with jitter).',
          ),
          max_delay_ms: posInt(1000, 1, 600000, 'Retry delay cap, milliseconds.'),
        })
        .prefault({}),
      timeout_ms: posInt(2000, 10, 600000, 'Timeout of one publish attempt, milliseconds.'),
    })
    .prefault({}),
  source_reconnect: z
    .object({
      initial_delay_ms: posInt(500, 10, 600000, 'First reconnect delay, milliseconds.'),
      max_delay_ms: posInt(
        30000,
        10,
        3600000,
        'Reconnect delay cap, milliseconds. Reconnects go on forever.',
      ),
    })
    .prefault({}),
  inference: z
    .object({
      timeout_ms: posInt(
        5000,
        10,
        600000,
        'Timeout of one inference run, milliseconds; the worker is restarted after one.',
      ),
      breaker: z
        .object({
          consecutive_failures: posInt(
            3,
            1,
            10000,
            'Consecutive failures that open the breaker (model unhealthy).',
          ),
          half_open_after_ms: posInt(
            5000,
            10,
            3600000,
            'Time before a trial inference, milliseconds.',
          ),
        })
        .prefault({}),
    })
    .prefault({}),
  telemetry_export: z
    .object({
      breaker: z
        .object({
          consecutive_failures: posInt(
            1,
            1,
            10000,
            'Consecutive failed OTLP exports (per signal) that open the breaker; while open, batches are dropped and counted without an attempt.',
          ),
          half_open_after_ms: posInt(
            5000,
            10,
            3600000,
            'Time between trial exports while the collector is unreachable, milliseconds.',
          ),
        })
        .prefault({}),
    })
    .prefault({}),
});

export const SpoolSchema = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe('Spool detection messages to disk while publishing fails.'),
  dir: z.string().min(1).default('var/spool').describe('Spool directory (created if missing).'),
  max_bytes: posInt(
    64 * 1024 * 1024,
    4096,
    2 ** 40,
    'Spool size cap, bytes; the oldest records are dropped beyond it.',
  ),
  segment_bytes: posInt(4 * 1024 * 1024, 1024, 2 ** 32, 'Segment file size, bytes.'),
  fsync: z
    .enum(['always', 'interval', 'never'])
    .default('interval')
    .describe(
      'always: fsync each record; interval: every fsync_interval_ms; never: leave it to the OS.',
    ),
  fsync_interval_ms: posInt(1000, 1, 600000, 'fsync interval, milliseconds (fsync: interval).'),
});

export const ShutdownSchema = z.object({
  grace_period: z
    .number()
    .min(0.1)
    .max(3600)
    .default(10)
    .describe(
      'Seconds from SIGTERM to exit: one budget shared by every stop step, in reverse start order (in-flight frames and the publish queue may each take up to a third of it; the telemetry flush gets what is left). Match Kubernetes terminationGracePeriodSeconds.',
    ),
});

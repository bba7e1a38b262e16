/**
 * The resilience policies of the service, built from the `resilience` config section and
 * injected into the components they protect (STYLE.md 14: nobody hand-rolls a retry loop).
 */
import type { AdelineConfig } from '../config/schema.js';
import { AdelineError, type RejectionKind } from '../domain/errors.js';
import { CockatielCallPolicy } from './call-policy.js';
import type { PolicyObserver } from './policy-observer.js';
import { RetryForeverPolicy, type ReconnectPolicyOptions } from './reconnect-policy.js';
import { telemetryObserver } from './telemetry-observer.js';

export type ResilienceConfig = AdelineConfig['resilience'];

export const PUBLISH_SERVICE = 'mqtt_publish';
export const INFERENCE_SERVICE = 'inference';
/** Service label prefix of the telemetry export breakers (telemetry_export_traces, …_logs). */
export const TELEMETRY_EXPORT_SERVICE = 'telemetry_export';

let sharedObserver: PolicyObserver | undefined;

/** The observer used when none is injected: metrics, span events and log lines. */
export function defaultObserver(): PolicyObserver {
  sharedObserver ??= telemetryObserver();
  return sharedObserver;
}

/** A breaker section of the config (publish, inference, telemetry_export) as call-policy options. */
function breakerOptions(b: { consecutive_failures: number; half_open_after_ms: number }) {
  return { consecutiveFailures: b.consecutive_failures, halfOpenAfterMs: b.half_open_after_ms };
}

/**
 * MQTT data-plane publish: bulkhead → breaker → retry → timeout, service `mqtt_publish`.
 * Policy rejections throw AdelineError ADELINE_ERR_MQTT_PUBLISH with details.rejection set
 * (breaker_open, bulkhead_full, timeout); the caller spools the message.
 */
export function buildPublishPolicy(
  cfg: ResilienceConfig,
  observer: PolicyObserver = defaultObserver(),
): CockatielCallPolicy {
  const p = cfg.publish;
  return new CockatielCallPolicy({
    service: PUBLISH_SERVICE,
    bulkhead: { limit: p.bulkhead.limit, queue: p.bulkhead.queue },
    breaker: breakerOptions(p.breaker),
    retry: {
      maxAttempts: p.retry.max_attempts,
      initialDelayMs: p.retry.initial_delay_ms,
      maxDelayMs: p.retry.max_delay_ms,
    },
    timeoutMs: p.timeout_ms,
    observer,
    rejectionError: (kind, cause) => {
      const why: Record<RejectionKind, string> = {
        breaker_open: `the ${PUBLISH_SERVICE} circuit breaker is open after ${p.breaker.consecutive_failures} consecutive failures; it tries again after resilience.publish.breaker.half_open_after_ms (${p.breaker.half_open_after_ms} ms)`,
        bulkhead_full: `${p.bulkhead.limit} publishes are in flight and ${p.bulkhead.queue} queued (resilience.publish.bulkhead); the broker is slower than the detections`,
        timeout: `the publish took longer than resilience.publish.timeout_ms (${p.timeout_ms} ms) on every attempt`,
      };
      return new AdelineError('ADELINE_ERR_MQTT_PUBLISH', `publish rejected: ${why[kind]}`, {
        cause,
        details: { rejection: kind, service: PUBLISH_SERVICE },
      });
    },
  });
}

/**
 * Inference: breaker → timeout per run, service `inference`. While the breaker is open every
 * call fails fast with ADELINE_ERR_MODEL_UNAVAILABLE (the model is reported unhealthy); after
 * half_open_after_ms the next call is a trial, and a success closes the breaker again. A timeout
 * throws ADELINE_ERR_INFERENCE_TIMEOUT after aborting the signal given to the run.
 */
export function buildInferencePolicy(
  cfg: ResilienceConfig,
  observer: PolicyObserver = defaultObserver(),
): CockatielCallPolicy {
  const inf = cfg.inference;
  return new CockatielCallPolicy({
    service: INFERENCE_SERVICE,
    breaker: breakerOptions(inf.breaker),
    timeoutMs: inf.timeout_ms,
    observer,
    rejectionError: (kind, cause) => {
      const details = { rejection: kind, service: INFERENCE_SERVICE };
      if (kind === 'timeout') {
        return new AdelineError(
          'ADELINE_ERR_INFERENCE_TIMEOUT',
          `inference took longer than resilience.inference.timeout_ms (${inf.timeout_ms} ms); the run was abandoned. Use a smaller model or raise the timeout`,
          { cause, details },
        );
      }
      return new AdelineError(
        'ADELINE_ERR_MODEL_UNAVAILABLE',
        `the model is unavailable: the inference breaker opened after failed runs (threshold resilience.inference.breaker.consecutive_failures = ${inf.breaker.consecutive_failures}); frames fail fast until a trial run succeeds, the first call after resilience.inference.breaker.half_open_after_ms (${inf.breaker.half_open_after_ms} ms)`,
        { cause, details },
      );
    },
  });
}

/**
 * OTLP export of one signal (traces or logs): a breaker, service `telemetry_export_<signal>`.
 * After resilience.telemetry_export.breaker.consecutive_failures failed exports it opens, and
 * batches are skipped (the telemetry runtime drops and counts them) until a trial export after
 * half_open_after_ms. A skip throws one shared AdelineError ADELINE_ERR_TELEMETRY_EXPORT with
 * details.rejection 'breaker_open', built once: it is thrown for every skipped batch.
 *
 * Its events go to no observer by default: the telemetry runtime counts export outcomes itself
 * (adeline_telemetry_export_failures_total, adeline_telemetry_dropped_total) and logs a failure
 * streak once, where the generic observer would log every failed trial.
 */
export function buildTelemetryExportPolicy(
  cfg: ResilienceConfig,
  signal: 'traces' | 'logs',
  observer: PolicyObserver = {},
): CockatielCallPolicy {
  const b = cfg.telemetry_export.breaker;
  const service = `${TELEMETRY_EXPORT_SERVICE}_${signal}`;
  const skipped = new AdelineError(
    'ADELINE_ERR_TELEMETRY_EXPORT',
    `${signal} export skipped: the collector failed, next try within ${b.half_open_after_ms / 1000} s (resilience.telemetry_export.breaker.half_open_after_ms)`,
    { details: { rejection: 'breaker_open', service } },
  );
  return new CockatielCallPolicy({
    service,
    breaker: breakerOptions(b),
    observer,
    rejectionError: (kind, cause) =>
      kind === 'breaker_open'
        ? skipped
        : new AdelineError('ADELINE_ERR_TELEMETRY_EXPORT', `${signal} export failed (${kind})`, {
            cause,
            details: { rejection: kind, service },
          }),
  });
}

/**
 * Source (or connection) reconnect: retries forever with capped exponential backoff and jitter
 * until an attempt succeeds or the signal aborts. `service` labels its metrics (e.g. source_0).
 */
export function buildReconnectPolicy(
  cfg: ResilienceConfig['source_reconnect'],
  service: string,
  opts: Omit<ReconnectPolicyOptions, 'initialDelayMs' | 'maxDelayMs' | 'service'> = {},
): RetryForeverPolicy {
  return new RetryForeverPolicy({
    ...opts,
    service,
    initialDelayMs: cfg.initial_delay_ms,
    maxDelayMs: cfg.max_delay_ms,
    observer: opts.observer ?? defaultObserver(),
  });
}

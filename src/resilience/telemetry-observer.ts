/**
 * Turns every policy event into a metric, a span event on the active span and a structured
 * log line (names from src/telemetry/schema.ts). Breaker transitions are always logged; the
 * frequent events (retry, timeout, bulkhead rejection) at most once per `logIntervalMs` per
 * service, with the number of lines suppressed since.
 */
import { trace, type Attributes, type Span } from '@opentelemetry/api';
import { isTaskCancelledError } from 'cockatiel';
import { describeError } from '../domain/errors.js';
import { getLogger, logEvent, type Logger } from '../telemetry/logger.js';
import { addMetric, setGauge } from '../telemetry/metrics.js';
import { ATTRS, SPAN_EVENTS, type LogEvent } from '../telemetry/schema.js';
import type { BreakerStateName, PolicyObserver } from './policy-observer.js';

/** adeline_circuit_breaker_state values (cockatiel's CircuitState numbering). */
export const BREAKER_STATE_VALUE: Record<BreakerStateName, number> = {
  closed: 0,
  open: 1,
  'half-open': 2,
  isolated: 3,
};

/** `state` label of adeline_circuit_breaker_transitions_total. */
export const BREAKER_STATE_LABEL: Record<BreakerStateName, string> = {
  closed: 'closed',
  open: 'open',
  'half-open': 'half_open',
  isolated: 'isolated',
};

export interface TelemetryObserverOptions {
  /** Span that receives span events; default: the active span. */
  activeSpan?: () => Span | undefined;
  /** Logger; default: the `resilience` component logger. */
  logger?: () => Logger;
  /** Minimum interval between two lines of a frequent event per service, milliseconds. Default 1000. */
  logIntervalMs?: number;
  /** Clock, epoch milliseconds. */
  now?: () => number;
}

export function telemetryObserver(opts: TelemetryObserverOptions = {}): PolicyObserver {
  const activeSpan = opts.activeSpan ?? (() => trace.getActiveSpan());
  const logger = opts.logger ?? (() => getLogger('resilience'));
  const interval = opts.logIntervalMs ?? 1000;
  const now = opts.now ?? Date.now;
  const lastLog = new Map<string, { at: number; suppressed: number }>();

  const spanEvent = (name: string, service: string, extra: Attributes = {}): void => {
    const span = activeSpan();
    if (!span?.isRecording()) return;
    span.addEvent(name, { [ATTRS.policyService.name]: service, ...extra });
  };

  const log = (event: LogEvent, msg: string, fields: Record<string, unknown>) =>
    logEvent(logger(), event, msg, fields);

  /** Logs unless the same event of the same service was logged less than `interval` ago. */
  const logLimited = (event: LogEvent, msg: string, fields: { service: string } & object) => {
    const key = `${fields.service}\0${event}`;
    const t = now();
    const last = lastLog.get(key);
    if (last && t - last.at < interval) {
      last.suppressed++;
      return;
    }
    const suppressed = last?.suppressed ?? 0;
    lastLog.set(key, { at: t, suppressed: 0 });
    log(event, msg, suppressed > 0 ? { ...fields, suppressed } : fields);
  };

  return {
    onCreated(service, state) {
      setGauge('breakerState', BREAKER_STATE_VALUE[state], { service });
    },
    onStateChange(service, state) {
      setGauge('breakerState', BREAKER_STATE_VALUE[state], { service });
      addMetric('breakerTransitions', 1, { service, state: BREAKER_STATE_LABEL[state] });
    },
    onBreak(service, reason) {
      const error = reason === undefined ? 'isolated' : describeError(reason);
      spanEvent(SPAN_EVENTS.breakerOpen, service);
      log('breaker_opened', `circuit breaker ${service} opened`, { service, error });
    },
    onHalfOpen(service) {
      spanEvent(SPAN_EVENTS.breakerHalfOpen, service);
      log('breaker_half_open', `circuit breaker ${service} is half-open`, { service });
    },
    onReset(service) {
      spanEvent(SPAN_EVENTS.breakerClosed, service);
      log('breaker_closed', `circuit breaker ${service} closed`, { service });
    },
    onSuccess(service) {
      addMetric('policyCalls', 1, { service, outcome: 'success' });
    },
    onFailure(service, error) {
      const outcome = isTaskCancelledError(error) ? 'timeout' : 'failure';
      addMetric('policyCalls', 1, { service, outcome });
    },
    onRetry(service, attempt, delayMs, error) {
      addMetric('retries', 1, { service });
      spanEvent(SPAN_EVENTS.retry, service, { [ATTRS.retryAttempt.name]: attempt });
      const fields = {
        service,
        attempt,
        delay_ms: Math.round(delayMs),
        error: describeError(error),
      };
      logLimited('policy_retry', `${service}: retry ${attempt}`, fields);
    },
    onGiveUp(service, error) {
      const fields = { service, gave_up: true, error: describeError(error) };
      logLimited('policy_retry', `${service}: giving up`, fields);
    },
    onTimeout(service) {
      addMetric('timeouts', 1, { service });
      spanEvent(SPAN_EVENTS.timeout, service);
      logLimited('policy_timeout', `${service}: call timed out`, { service });
    },
    onReject(service, by) {
      addMetric('policyCalls', 1, { service, outcome: 'rejected' });
      if (by !== 'bulkhead') return;
      addMetric('bulkheadRejections', 1, { service });
      spanEvent(SPAN_EVENTS.bulkheadRejected, service);
      logLimited('bulkhead_rejected', `${service}: bulkhead full, call rejected`, { service });
    },
  };
}

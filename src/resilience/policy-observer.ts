/**
 * Observers of resilience policy events. One hook per cockatiel event, plus `onReject` for
 * breaker-open rejections, which cockatiel throws without an event. `safeObserver` guarantees
 * that no hook ever throws into the call path (STYLE.md 13).
 */

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** Outcome label of adeline_policy_calls_total. */
export type CallOutcome = 'success' | 'failure' | 'rejected' | 'timeout';

/** What rejected a call before it ran. */
export type RejectedBy = 'bulkhead' | 'breaker';

/** Receives every policy event of one or more services. Every hook is optional. */
export interface PolicyObserver {
  /** A policy with a breaker was built; `state` is its initial state (sets the gauge). */
  onCreated?(service: string, state: BreakerStateName): void;
  /** The breaker opened; `reason` is the last error (undefined when isolated by hand). */
  onBreak?(service: string, reason: unknown): void;
  /** The breaker closed again. */
  onReset?(service: string): void;
  /** The breaker lets a trial call through. */
  onHalfOpen?(service: string): void;
  /** Any breaker state change (fires after onBreak / onReset / onHalfOpen). */
  onStateChange?(service: string, state: BreakerStateName): void;
  /** A call that reached the breaker succeeded (after any retries). */
  onSuccess?(service: string, durationMs: number): void;
  /** A call that reached the breaker failed (after any retries); `error` is the last error. */
  onFailure?(service: string, error: unknown, durationMs: number): void;
  /** A failed attempt will be retried after `delayMs`; `attempt` counts retries from 1. */
  onRetry?(service: string, attempt: number, delayMs: number, error: unknown): void;
  /** The retry policy stopped retrying (attempts exhausted or aborted). */
  onGiveUp?(service: string, error: unknown): void;
  /** One attempt was ended by the timeout policy. */
  onTimeout?(service: string): void;
  /** A call was rejected without running: bulkhead full or breaker open. */
  onReject?(service: string, by: RejectedBy): void;
}

const HOOKS = [
  'onCreated',
  'onBreak',
  'onReset',
  'onHalfOpen',
  'onStateChange',
  'onSuccess',
  'onFailure',
  'onRetry',
  'onGiveUp',
  'onTimeout',
  'onReject',
] as const satisfies readonly (keyof PolicyObserver)[];

type Hook = (...args: unknown[]) => void;

/** Fans every event out to each observer in turn. */
export function combineObservers(...observers: PolicyObserver[]): PolicyObserver {
  const out: Record<string, Hook> = {};
  for (const name of HOOKS) {
    if (!observers.some((o) => o[name] !== undefined)) continue;
    out[name] = (...args: unknown[]) => {
      for (const o of observers) (o[name] as Hook | undefined)?.call(o, ...args);
    };
  }
  return out as PolicyObserver;
}

/**
 * Wraps every hook so that a throwing observer cannot break the protected call. The first
 * failure of each hook is reported to `onError` (never rethrown); later ones are swallowed.
 */
export function safeObserver(
  observer: PolicyObserver,
  onError: (hook: string, err: unknown) => void = () => {},
): Required<PolicyObserver> {
  const out: Record<string, Hook> = {};
  for (const name of HOOKS) {
    const fn = observer[name] as Hook | undefined;
    let reported = false;
    out[name] = (...args: unknown[]) => {
      if (!fn) return;
      try {
        fn.call(observer, ...args);
      } catch (err) {
        if (reported) return;
        reported = true;
        try {
          onError(name, err);
        } catch {
          // reporting failed too; the call path still must not see it
        }
      }
    };
  }
  return out as Required<PolicyObserver>;
}

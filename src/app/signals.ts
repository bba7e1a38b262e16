/**
 * SIGTERM/SIGINT: the first asks the service to stop gracefully; if the stop takes longer than
 * the grace period, or a second signal arrives, the process exits at once.
 */
import { getLogger, logEvent } from '../telemetry/logger.js';

const log = getLogger('app');

export interface Stoppable {
  requestStop(reason: string): void;
}

/** Installs the handlers; returns the function that removes them. */
export function installSignalHandlers(service: Stoppable, graceMs: number): () => void {
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count > 1) {
      logEvent(log, 'shutdown_forced', `second ${signal}: exiting now`, { signal });
      process.exit(130);
    }
    timer = setTimeout(() => {
      logEvent(
        log,
        'shutdown_forced',
        `shutdown took longer than shutdown.grace_period (${graceMs / 1000} s): exiting now`,
        { signal },
      );
      process.exit(1);
    }, graceMs);
    timer.unref();
    service.requestStop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (timer) clearTimeout(timer);
  };
}

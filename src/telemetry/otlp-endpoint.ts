/**
 * Where each signal is exported: the standard OTEL_EXPORTER_OTLP_{TRACES_,LOGS_,}ENDPOINT
 * variables (read by the exporters themselves), else telemetry.otlp.endpoint. With neither, the
 * signal is not exported at all: no collector is configured (issue 14: `npm start` on a laptop
 * is healthy and quiet).
 */
import type { OtlpSignal } from './otlp-protocol.js';

export type EndpointChoice =
  /** Not exported: nothing names a collector. */
  | { configured: false }
  /** Exported; `url` undefined means the exporter reads the OTEL_* variable itself. */
  | { configured: true; url: string | undefined };

export function resolveOtlpEndpoint(
  configured: string | null,
  env: NodeJS.ProcessEnv,
  signal: OtlpSignal,
): EndpointChoice {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`]?.trim();
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (specific || general) return { configured: true, url: undefined };
  if (!configured) return { configured: false };
  return { configured: true, url: `${configured.replace(/\/+$/, '')}/v1/${signal}` };
}

/** The message of the telemetry_export check and of the start-up line when nothing is exported. */
export const NO_COLLECTOR_MESSAGE = 'no collector configured; set OTEL_EXPORTER_OTLP_ENDPOINT';

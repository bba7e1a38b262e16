/**
 * Which OTLP/HTTP encoding each signal uses: telemetry.otlp.protocol, unless the standard
 * OTEL_EXPORTER_OTLP_{TRACES_,LOGS_,}PROTOCOL variables say otherwise (the signal's own variable
 * first). Only the HTTP protocols are supported; any other value (grpc, a typo) is reported and
 * the configured protocol is used, so a bad variable never stops the service.
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type OtlpSignal = 'traces' | 'logs';

export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

export interface ProtocolChoice {
  protocol: OtlpProtocol;
  /** The variable that named an unsupported protocol, and its value. */
  unsupported?: { variable: string; value: string };
}

export function resolveOtlpProtocol(
  configured: OtlpProtocol,
  env: NodeJS.ProcessEnv,
  signal: OtlpSignal,
): ProtocolChoice {
  const specific = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`;
  for (const variable of [specific, 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = raw.toLowerCase();
    if ((OTLP_PROTOCOLS as readonly string[]).includes(value))
      return { protocol: value as OtlpProtocol };
    return { protocol: configured, unsupported: { variable, value: raw } };
  }
  return { protocol: configured };
}

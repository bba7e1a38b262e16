/**
 * Component type names valid in otel/opentelemetry-collector-contrib at COLLECTOR_VERSION, the tag
 * pinned in docker-compose.yml and deploy/k8s. No collector binary runs here (`otelcol-contrib
 * validate` is not available), so this list is the reference the structural test checks against.
 *
 * Checked against v0.162.0 from: the otelcol-contrib distribution manifest
 * (opentelemetry-collector-releases, distributions/otelcol-contrib/manifest.yaml, v0.136 module
 * list) and the lower_snake_case renames that followed it: core #14396 (otlp -> otlp_grpc,
 * otlphttp -> otlp_http, v0.144.0) and contrib #45339 (spanmetrics -> span_metrics, #47963;
 * loadbalancing -> load_balancing, #48533, v0.153.0; prometheusremotewrite ->
 * prometheus_remote_write, #48705, v0.154.0; k8sattributes -> k8s_attributes, v0.146.0;
 * resourcedetection -> resource_detection, v0.153.0; filelog -> file_log, v0.149.0;
 * hostmetrics -> host_metrics). The old names still load as deprecated aliases that log warnings,
 * so the configs must not use them (DEPRECATED_ALIASES).
 */
export const COLLECTOR_VERSION = '0.162.0';
export const COLLECTOR_IMAGE = `otel/opentelemetry-collector-contrib:${COLLECTOR_VERSION}`;

export const COMPONENTS = {
  receivers: ['otlp', 'prometheus', 'file_log', 'host_metrics'],
  processors: [
    'memory_limiter',
    'batch',
    'attributes',
    'resource',
    'redaction',
    'transform',
    'filter',
    'tail_sampling',
    'probabilistic_sampler',
    'k8s_attributes',
    'resource_detection',
  ],
  exporters: [
    'otlp_grpc',
    'otlp_http',
    'debug',
    'load_balancing',
    'prometheus',
    'prometheus_remote_write',
  ],
  connectors: ['span_metrics', 'forward', 'routing'],
  extensions: ['health_check', 'pprof', 'zpages', 'file_storage'],
} as const;

export type ComponentKind = keyof typeof COMPONENTS;

/** Names that still load at COLLECTOR_VERSION but are deprecated (or, for loki, removed). */
export const DEPRECATED_ALIASES: Record<string, string> = {
  otlphttp: 'otlp_http',
  spanmetrics: 'span_metrics',
  loadbalancing: 'load_balancing',
  prometheusremotewrite: 'prometheus_remote_write',
  k8sattributes: 'k8s_attributes',
  resourcedetection: 'resource_detection',
  filelog: 'file_log',
  hostmetrics: 'host_metrics',
  loki: 'otlp_http to Loki /otlp (the loki exporter was removed)',
};

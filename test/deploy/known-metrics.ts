/**
 * Metric names that dashboards and alert rules may use besides the service's own (METRICS in
 * src/telemetry/schema.ts, plus _bucket/_sum/_count for histograms). Each list says where the
 * names come from; test/deploy/promql.test.ts rejects any other name.
 */

/**
 * The collector's span_metrics connector (otel-collector/*.yaml: namespace traces.span.metrics,
 * histogram unit s), after Prometheus' OTLP translation (UnderscoreEscapingWithSuffixes, set in
 * deploy/prometheus/prometheus.yml): dots become underscores, counters get _total, the unit
 * becomes _seconds. Labels: service_name, span_name, span_kind, status_code, adeline_source_id.
 */
export const COLLECTOR_SPAN_METRICS = [
  'traces_span_metrics_calls_total',
  'traces_span_metrics_duration_seconds_bucket',
  'traces_span_metrics_duration_seconds_sum',
  'traces_span_metrics_duration_seconds_count',
] as const;

/**
 * Tempo's metrics-generator (deploy/tempo/tempo.yaml: span-metrics and service-graphs
 * processors), remote-written to Prometheus. They count only the traces kept by tail sampling.
 */
export const TEMPO_GENERATOR_METRICS = [
  'traces_spanmetrics_calls_total',
  'traces_spanmetrics_latency_bucket',
  'traces_spanmetrics_latency_sum',
  'traces_spanmetrics_latency_count',
  'traces_spanmetrics_size_total',
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  'traces_service_graph_request_server_seconds_bucket',
  'traces_service_graph_request_server_seconds_sum',
  'traces_service_graph_request_server_seconds_count',
  'traces_service_graph_request_client_seconds_bucket',
  'traces_service_graph_request_client_seconds_sum',
  'traces_service_graph_request_client_seconds_count',
] as const;

/**
 * The collector's own telemetry (service.telemetry.metrics, Prometheus pull reader on :8888,
 * scraped as job="otel-collector"); counters carry _total.
 */
export const COLLECTOR_SELF_METRICS = [
  'otelcol_receiver_accepted_spans_total',
  'otelcol_receiver_accepted_metric_points_total',
  'otelcol_receiver_accepted_log_records_total',
  'otelcol_receiver_refused_spans_total',
  'otelcol_receiver_refused_metric_points_total',
  'otelcol_receiver_refused_log_records_total',
  'otelcol_exporter_sent_spans_total',
  'otelcol_exporter_sent_metric_points_total',
  'otelcol_exporter_sent_log_records_total',
  'otelcol_exporter_send_failed_spans_total',
  'otelcol_exporter_send_failed_metric_points_total',
  'otelcol_exporter_send_failed_log_records_total',
  'otelcol_exporter_enqueue_failed_spans_total',
  'otelcol_exporter_enqueue_failed_metric_points_total',
  'otelcol_exporter_enqueue_failed_log_records_total',
  'otelcol_exporter_queue_size',
  'otelcol_exporter_queue_capacity',
] as const;

/** Series every Prometheus has: `up` from each scrape, ALERTS from the rule manager. */
export const PROMETHEUS_STANDARD_METRICS = ['up', 'ALERTS', 'ALERTS_FOR_STATE'] as const;

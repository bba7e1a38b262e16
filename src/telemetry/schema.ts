/**
 * The telemetry schema: the one place that names every span, attribute, metric and log event
 * (spans in schema-spans.ts, metrics in schema-metrics.ts, log events in schema-logs.ts).
 * docs/telemetry.md lists the same things; test/unit/docs-in-step.test.ts keeps them in step
 * (regenerate the tables with `npm run docs`).
 *
 * Metric names are the names Prometheus shows. `metrics.ts` creates the instruments from them;
 * counters drop `_total`, which the Prometheus exporter appends again (it adds no unit suffix).
 */

export * from './schema-spans.js';
export * from './schema-metrics.js';
export * from './schema-logs.js';

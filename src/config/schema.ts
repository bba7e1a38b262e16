/**
 * The configuration schema: every option, its unit, default and range, in one place.
 * Sections and keys of the Python Adeline (ADELINE-SPEC.md §6) keep their names and defaults,
 * except where noted in the description. docs/configuration.md is generated from this file
 * (`npm run docs:config`) and a test keeps the two in step.
 */
import { z } from 'zod';
import { PipelineSchema, SyntheticSchema } from './sections/pipeline.js';
import { ModelsSchema } from './sections/models.js';
import { MqttSchema } from './sections/mqtt.js';
import { StabilizationSchema, RoiSchema } from './sections/processing.js';
import { LoggingSchema, TelemetrySchema, HealthSchema } from './sections/observability.js';
import { LiveViewSchema } from './sections/live-view.js';
import { ResilienceSchema, SpoolSchema, ShutdownSchema } from './sections/resilience.js';
export { SourceSchema, type SourceConfig } from './source-schema.js';

export const ConfigSchema = z.object({
  pipeline: PipelineSchema.prefault({}),
  synthetic: SyntheticSchema.prefault({}),
  models: ModelsSchema.prefault({}),
  mqtt: MqttSchema.prefault({}),
  detection_stabilization: StabilizationSchema.prefault({}),
  roi_strategy: RoiSchema.prefault({}),
  logging: LoggingSchema.prefault({}),
  telemetry: TelemetrySchema.prefault({}),
  health: HealthSchema.prefault({}),
  live_view: LiveViewSchema.prefault({}),
  resilience: ResilienceSchema.prefault({}),
  spool: SpoolSchema.prefault({}),
  shutdown: ShutdownSchema.prefault({}),
});

export type AdelineConfig = z.output<typeof ConfigSchema>;

/** Key paths whose values are secrets: masked by `config check` and in logs. */
export const SECRET_PATHS = [
  'mqtt.broker.password',
  'telemetry.otlp.headers',
  'live_view.auth.token',
  'live_view.auth.password',
] as const;

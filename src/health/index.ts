/** The health module's public surface: what src/app/ builds and registers. */
export {
  HealthRegistry,
  type HealthRegistryOptions,
  type HealthView,
  type ReadyView,
} from './registry.js';
export { HealthServer, type HealthServerOptions } from './server.js';
export type { HealthReader, MetricsHandler } from './http-app.js';
export type { Clock, Timers } from './timers.js';
export { EventLoopDelayCheck, type EventLoopCheckOptions } from './checks/event-loop.js';
export {
  FrameHeartbeatCheck,
  type FrameHeartbeatOptions,
  type FrameLoopMode,
} from './checks/frame-heartbeat.js';
export { ModelCheck, type ModelCheckOptions } from './checks/model.js';
export {
  ModelOutputCheck,
  type ModelOutputCheckOptions,
  type ModelOutputCounts,
} from './checks/model-output.js';
export {
  MqttPlaneCheck,
  type MqttPlaneCheckOptions,
  type PlaneHealth,
  type PlaneConnection,
  type SpoolHealth,
} from './checks/mqtt-plane.js';
export { SourceCheck, type SourceCheckOptions, type SourceHealthStatus } from './checks/source.js';
export {
  TelemetryExportCheck,
  type TelemetryExportCheckOptions,
  type TelemetryExportStats,
} from './checks/telemetry-export.js';
export { MemoryCheck, type MemoryCheckOptions } from './checks/memory.js';
export type { BreakerState, CheckOutcome } from './checks/types.js';

/**
 * Counts the spans and log records the SDK's batch processors drop at a full queue. They report
 * a drop only through their self-observability counter (`otel.sdk.processor.*.processed` with
 * error.type `queue_full`), given a `selfObsMeterProvider`: this is one, whose counters call
 * `onDrop` for those drops and whose other instruments are no-ops.
 */
import {
  createNoopMeter,
  type Attributes,
  type Counter,
  type Meter,
  type MeterProvider,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/** error.type of an item the processor dropped because its queue was full. */
export const QUEUE_FULL = 'queue_full';

export function queueDropMeterProvider(onDrop: (count: number) => void): MeterProvider {
  const noop = createNoopMeter();
  const counter: Counter = {
    add(value: number, attributes?: Attributes) {
      if (attributes?.[ATTR_ERROR_TYPE] === QUEUE_FULL && value > 0) onDrop(value);
    },
  };
  const meter: Meter = {
    createCounter: () => counter,
    createGauge: (name, options) => noop.createGauge(name, options),
    createHistogram: (name, options) => noop.createHistogram(name, options),
    createUpDownCounter: (name, options) => noop.createUpDownCounter(name, options),
    createObservableGauge: (name, options) => noop.createObservableGauge(name, options),
    createObservableCounter: (name, options) => noop.createObservableCounter(name, options),
    createObservableUpDownCounter: (name, options) =>
      noop.createObservableUpDownCounter(name, options),
    addBatchObservableCallback: (callback, observables) =>
      noop.addBatchObservableCallback(callback, observables),
    removeBatchObservableCallback: (callback, observables) =>
      noop.removeBatchObservableCallback(callback, observables),
  };
  return { getMeter: () => meter };
}

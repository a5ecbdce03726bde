export { AnalyticsRecorder, analyticsDefaults, type AnalyticsRecorderOptions, type AnalyticsRecorderStats } from './recorder.js';
export { WindowAggregator, type ClosedWindow } from './window-aggregator.js';
export { LatencySketch, LATENCY_SKETCH_MIN_MS, LATENCY_SKETCH_RELATIVE_ERROR, latencyBin, latencyBinValue } from './latency-sketch.js';
export type { AnalyticsSink } from './sink.js';
export { JetStreamAnalyticsSink, type JetStreamSinkOptions } from './jetstream-sink.js';
export { InProcessAnalyticsSink } from './in-process-sink.js';
export {
  ANALYTICS_ACK_WAIT_MS,
  ANALYTICS_DUPLICATE_WINDOW_MS,
  ANALYTICS_MAX_AGE_MS,
  analyticsStreamName,
  analyticsSubject,
  ensureAnalyticsConsumer,
  ensureAnalyticsStream,
  type AnalyticsStreamOptions,
} from './stream.js';
export { analyticsVariables } from './variables.js';

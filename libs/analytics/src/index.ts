export { AnalyticsRecorder, analyticsDefaults, type AnalyticsRecorderOptions, type AnalyticsRecorderStats } from './recorder.js';
export { RingBuffer } from './ring-buffer.js';
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
} from './stream.js';
export { analyticsVariables } from './variables.js';

import { WindowAggregator } from '@portcullis/analytics';
import type { AnalyticsBatch } from '@portcullis/contracts';
import type { AnalyticsWrite } from '../storage/analytics-store.js';

/**
 * What a batch writes. A gateway's window batch: its aggregates, and the request logs its APIs asked
 * for. A batch from a gateway that predates windows (records only, one per request): its records
 * are summed here by minute, as a gateway would have, and none is kept as a request log (no API asked).
 */
export function batchWrite(batch: AnalyticsBatch): AnalyticsWrite {
  if (batch.aggregates !== undefined && batch.window !== undefined) {
    return {
      batchId: batch.batch_id,
      gatewayId: batch.gateway_id,
      windows: [{ start: batch.window.start, aggregates: batch.aggregates }],
      logs: batch.records,
    };
  }
  const windows = new WindowAggregator(60_000, 0);
  for (const record of batch.records) windows.add(record, false);
  return {
    batchId: batch.batch_id,
    gatewayId: batch.gateway_id,
    windows: windows.takeClosed(Number.POSITIVE_INFINITY).map((window) => ({ start: window.start, aggregates: window.aggregates })),
    logs: [],
  };
}

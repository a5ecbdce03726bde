import { eventSchemas, subjects, type AnalyticsBatch } from '@portcullis/contracts';
import type { z } from '@portcullis/config';

/**
 * A batch as it arrives from the wire: the contract's schema (its bounds are the ones the tables
 * need) and the rules across fields, checked before storing, so one bad gateway cannot poison the tables.
 */
export const analyticsBatchSchema = eventSchemas[subjects.analyticsRecords]
  .refine((batch) => batch.aggregates === undefined || batch.window !== undefined, { message: 'aggregates need their window', path: ['window'] })
  .refine((batch) => (batch.aggregates ?? []).every((a) => Object.values(a.total_ms).reduce((s, n) => s + n, 0) === a.count), {
    message: "an aggregate's latency bins must count its requests",
    path: ['aggregates'],
  }) satisfies z.ZodType<AnalyticsBatch>;

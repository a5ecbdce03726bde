import { z } from '@portcullis/config';
import { analyticsDefaults } from './recorder.js';

/** The analytics variables, for the gateway's config schema to pick (nothing here reads process.env). */
export const analyticsVariables = {
  /** The aggregation window: requests are summed per window and each window is published when it ends. */
  ANALYTICS_FLUSH_MS: z.coerce
    .number()
    .int()
    .positive()
    .refine((ms) => 60_000 % ms === 0, 'must divide a minute (60000) exactly, so windows fall within minutes')
    .default(analyticsDefaults.flushMs),
  /** The most entries (aggregates and request logs) in one published batch. */
  ANALYTICS_BATCH_SIZE: z.coerce.number().int().positive().max(10_000).default(analyticsDefaults.batchSize),
  /** Entries kept while NATS is unreachable; beyond it the oldest windows are dropped and counted. */
  ANALYTICS_BUFFER_MAX: z.coerce.number().int().positive().default(analyticsDefaults.maxBuffered),
} as const;

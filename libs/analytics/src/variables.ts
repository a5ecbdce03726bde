import { z } from '@portcullis/config';
import { analyticsDefaults } from './recorder.js';

/** The analytics variables, for the gateway's config schema to pick (nothing here reads process.env). */
export const analyticsVariables = {
  /** Publish buffered analytics records at least this often. */
  ANALYTICS_FLUSH_MS: z.coerce.number().int().positive().default(analyticsDefaults.flushMs),
  /** Publish as soon as this many records wait (and never more in one batch). */
  ANALYTICS_BATCH_SIZE: z.coerce.number().int().positive().max(10_000).default(analyticsDefaults.batchSize),
  /** Records kept while NATS is unreachable; beyond it the oldest are dropped and counted. */
  ANALYTICS_BUFFER_MAX: z.coerce.number().int().positive().default(analyticsDefaults.maxBuffered),
} as const;

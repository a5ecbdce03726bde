/** Analytics: the records gateways publish on JetStream for the registry to store, with their subject and stream. */
import { z } from 'zod';

export const analyticsSubjects = {
  /** JetStream subject: batches of analytics records, consumed durably by the registry. */
  analyticsRecords: 'analytics.records',
} as const;

/** The JetStream stream that keeps analytics records until the registry has stored them. */
export const analyticsStream = { name: 'PORTCULLIS_ANALYTICS', durableConsumer: 'registry-analytics' } as const;

export interface AnalyticsRecord {
  /** Milliseconds since the epoch. */
  at: number;
  api_id: string;
  /** SHA-256 of the identity (key hash, token subject): never the credential. */
  identity?: string;
  oauth_client_id?: string;
  method: string;
  path: string;
  status: number;
  upstream_ms: number;
  total_ms: number;
  bytes_in: number;
  bytes_out: number;
  auth_result: 'ok' | 'keyless' | 'missing' | 'invalid' | 'forbidden' | 'rate_limited' | 'quota_exceeded';
}

export interface AnalyticsBatch {
  gateway_id: string;
  /** Unique per batch: the registry stores a batch once even if JetStream redelivers it. */
  batch_id: string;
  records: AnalyticsRecord[];
}

/** Analytics event subjects and their payloads. */
export interface AnalyticsEvents {
  [analyticsSubjects.analyticsRecords]: AnalyticsBatch;
}

const count = z.number().nonnegative();
export const analyticsRecordSchema = z.object({
  at: z.number(),
  api_id: z.string(),
  identity: z.string().optional(),
  oauth_client_id: z.string().optional(),
  method: z.string(),
  path: z.string(),
  status: z.int(),
  upstream_ms: count,
  total_ms: count,
  bytes_in: count,
  bytes_out: count,
  auth_result: z.enum(['ok', 'keyless', 'missing', 'invalid', 'forbidden', 'rate_limited', 'quota_exceeded']),
}) satisfies z.ZodType<AnalyticsRecord>;

/** The payload schemas of the analytics subjects. */
export const analyticsEventSchemas = {
  [analyticsSubjects.analyticsRecords]: z.object({ gateway_id: z.string(), batch_id: z.string().min(1), records: z.array(analyticsRecordSchema) }),
} satisfies { [K in keyof AnalyticsEvents]: z.ZodType<AnalyticsEvents[K]> };

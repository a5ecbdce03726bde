import type { AnalyticsBatch } from '@portcullis/contracts';
import { z } from '@portcullis/config';

const count = z.number().finite().min(0);
const authResult = z.enum(['ok', 'keyless', 'missing', 'invalid', 'forbidden', 'rate_limited', 'quota_exceeded']);
const dimension = z.string().min(1).max(512);

const recordSchema = z.object({
  at: z.number().int().positive(),
  api_id: z.string().min(1),
  version: dimension.optional(),
  identity: z.string().min(1).optional(),
  oauth_client_id: z.string().min(1).optional(),
  endpoint: dimension.optional(),
  method: z.string().min(1),
  path: z.string(),
  status: z.number().int().min(0).max(999),
  upstream_ms: count,
  total_ms: count,
  bytes_in: count,
  bytes_out: count,
  auth_result: authResult,
});

/** A sketch's bins: small integer indexes (see libs/analytics latency-sketch.ts), positive integer counts. */
const bins = z.record(z.string().regex(/^-?\d{1,5}$/), z.number().int().positive());

const aggregateSchema = z.object({
  api_id: z.string().min(1),
  version: dimension.optional(),
  identity: dimension.optional(),
  oauth_client_id: dimension.optional(),
  // A track_endpoints entry's name: the definition's text, bounded as the other dimensions.
  endpoint: dimension.optional(),
  status: z.number().int().min(0).max(999),
  auth_result: authResult,
  count: z.number().int().positive(),
  bytes_in: count,
  bytes_out: count,
  total_ms: bins,
  upstream_ms: bins,
});

/** A batch as it arrives from the wire: checked before storing, so one bad gateway cannot poison the tables. */
export const analyticsBatchSchema = z
  .object({
    gateway_id: z.string().min(1),
    batch_id: z.string().min(1).max(300),
    window: z.object({ start: z.number().int().positive(), ms: z.number().int().positive() }).optional(),
    aggregates: z.array(aggregateSchema).optional(),
    records: z.array(recordSchema),
  })
  .refine((batch) => batch.aggregates === undefined || batch.window !== undefined, { message: 'aggregates need their window', path: ['window'] })
  .refine((batch) => (batch.aggregates ?? []).every((a) => Object.values(a.total_ms).reduce((s, n) => s + n, 0) === a.count), {
    message: "an aggregate's latency bins must count its requests",
    path: ['aggregates'],
  }) satisfies z.ZodType<AnalyticsBatch>;

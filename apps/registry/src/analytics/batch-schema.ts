import type { AnalyticsBatch } from '@portcullis/contracts';
import { z } from '@portcullis/config';

const count = z.number().finite().min(0);

const recordSchema = z.object({
  at: z.number().int().positive(),
  api_id: z.string().min(1),
  identity: z.string().min(1).optional(),
  oauth_client_id: z.string().min(1).optional(),
  method: z.string().min(1),
  path: z.string(),
  status: z.number().int().min(0).max(999),
  upstream_ms: count,
  total_ms: count,
  bytes_in: count,
  bytes_out: count,
  auth_result: z.enum(['ok', 'keyless', 'missing', 'invalid', 'forbidden', 'rate_limited', 'quota_exceeded']),
});

/** A batch as it arrives from the wire: checked before storing, so one bad gateway cannot poison the table. */
export const analyticsBatchSchema = z.object({
  gateway_id: z.string().min(1),
  batch_id: z.string().min(1).max(200),
  records: z.array(recordSchema),
}) satisfies z.ZodType<AnalyticsBatch>;

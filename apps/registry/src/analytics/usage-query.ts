import { z } from '@portcullis/config';
import type { ErrorDetail } from '@portcullis/errors';

export const bucketSizes = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type BucketSize = keyof typeof bucketSizes;
export const groupings = ['api', 'identity', 'oauth_client', 'endpoint', 'status_class'] as const;
export type Grouping = (typeof groupings)[number];

/** A query may span at most this many buckets: a year of minutes must not reach the database. */
export const MAX_BUCKETS = 1_500;
const DEFAULT_SPAN_MS = 24 * 3_600_000;

export interface UsageQuery {
  from: Date;
  to: Date;
  bucket: BucketSize;
  apiId?: string;
  identity?: string;
  oauthClientId?: string;
  endpoint?: string;
  groupBy?: Grouping;
}

/** An id to filter by (an API, a hashed identity, a client). */
export const filterValue = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

/** An ISO 8601 date-time (with its offset) or milliseconds since the epoch. */
export const instant = z.string().transform((value, ctx) => {
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time or milliseconds since the epoch' });
    return z.NEVER;
  }
  return new Date(ms);
});

const querySchema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  bucket: z.enum(Object.keys(bucketSizes) as [BucketSize, ...BucketSize[]], { message: 'must be one of minute, hour, day' }).optional(),
  api_id: filterValue.optional(),
  identity: filterValue.optional(),
  oauth_client_id: filterValue.optional(),
  // As the gateway names it: the track_endpoints entry's method and path (`GET /users/{id}`).
  endpoint: z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters').optional(),
  group_by: z.enum(groupings, { message: `must be one of ${groupings.join(', ')}` }).optional(),
});

/**
 * A query string checked against its (strict) schema: a repeated parameter, an unknown one and each
 * bad value are all named, by parameter.
 */
export function parseQueryString<Schema extends z.ZodType>(
  schema: Schema,
  raw: Record<string, unknown>,
): { ok: true; data: z.output<Schema> } | { ok: false; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(raw)) if (Array.isArray(value)) errors.push({ field: name, message: 'must be given once' });
  if (errors.length > 0) return { ok: false, errors };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) errors.push({ field: key, message: 'is not a known parameter' });
    else errors.push({ field: String(issue.path[0] ?? 'query'), message: issue.message });
  }
  return { ok: false, errors };
}

export type UsageQueryResult = { ok: true; value: UsageQuery } | { ok: false; errors: ErrorDetail[] };

/**
 * Checks the usage endpoint's query string and fills its defaults (the last 24 hours, by hour).
 * Every problem is named by its parameter; a range over MAX_BUCKETS buckets is refused.
 */
export function parseUsageQuery(raw: Record<string, unknown>, now = new Date()): UsageQueryResult {
  const parsed = parseQueryString(querySchema, raw);
  if (!parsed.ok) return parsed;
  const input = parsed.data;
  const bucket = input.bucket ?? 'hour';
  const to = input.to ?? now;
  const from = input.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS);
  if (from.getTime() >= to.getTime()) return { ok: false, errors: [{ field: 'from', message: 'must be before to' }] };
  const buckets = Math.ceil((to.getTime() - from.getTime()) / bucketSizes[bucket]);
  if (buckets > MAX_BUCKETS) {
    return {
      ok: false,
      errors: [
        {
          field: 'bucket',
          message: `the range spans ${buckets} ${bucket} buckets; at most ${MAX_BUCKETS} are allowed (narrow from/to or use a larger bucket)`,
        },
      ],
    };
  }
  return {
    ok: true,
    value: {
      from,
      to,
      bucket,
      apiId: input.api_id,
      identity: input.identity,
      oauthClientId: input.oauth_client_id,
      endpoint: input.endpoint,
      groupBy: input.group_by,
    },
  };
}

import { z } from '@portcullis/config';
import type { ErrorDetail } from '@portcullis/errors';
import { filterValue, instant, parseQueryString } from './usage-query.js';

/** The most request logs one answer lists. */
export const MAX_REQUEST_LOGS = 1_000;
const DEFAULT_REQUEST_LOGS = 100;
const DEFAULT_SPAN_MS = 3_600_000;

export interface RequestLogQuery {
  from: Date;
  to: Date;
  limit: number;
  apiId?: string;
  identity?: string;
  oauthClientId?: string;
}

const querySchema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_REQUEST_LOGS, `must be at most ${MAX_REQUEST_LOGS}`)
    .optional(),
  api_id: filterValue.optional(),
  identity: filterValue.optional(),
  oauth_client_id: filterValue.optional(),
});

export type RequestLogQueryResult = { ok: true; value: RequestLogQuery } | { ok: false; errors: ErrorDetail[] };

/** Checks the request-log endpoint's query string (default: the last hour, the newest 100), naming every bad parameter. */
export function parseRequestLogQuery(raw: Record<string, unknown>, now = new Date()): RequestLogQueryResult {
  const parsed = parseQueryString(querySchema, raw);
  if (!parsed.ok) return parsed;
  const input = parsed.data;
  const to = input.to ?? now;
  const from = input.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS);
  if (from.getTime() >= to.getTime()) return { ok: false, errors: [{ field: 'from', message: 'must be before to' }] };
  return {
    ok: true,
    value: {
      from,
      to,
      limit: input.limit ?? DEFAULT_REQUEST_LOGS,
      apiId: input.api_id,
      identity: input.identity,
      oauthClientId: input.oauth_client_id,
    },
  };
}

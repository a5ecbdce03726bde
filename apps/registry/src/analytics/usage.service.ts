import { Injectable } from '@nestjs/common';
import { AnalyticsStore } from './analytics-store.js';
import type { Grouping, UsageQuery } from './usage-query.js';

/** Rows a usage answer may hold (buckets × groups); beyond it the answer says it was truncated. */
export const MAX_USAGE_ROWS = 10_000;

export interface UsageBucket {
  /** Start of the bucket (UTC), ISO 8601. */
  start: string;
  /** The group's value when grouped (null for records without one, e.g. keyless traffic). */
  group?: string | null;
  total: number;
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  latency_ms: { p50: number; p95: number };
  bytes_in: number;
  bytes_out: number;
}

export interface UsageReport {
  from: string;
  to: string;
  bucket: UsageQuery['bucket'];
  group_by: Grouping | null;
  /** Only buckets with traffic, oldest first. */
  buckets: UsageBucket[];
  truncated: boolean;
}

const groupColumn: Record<Grouping, string> = {
  api: 'api_id',
  identity: 'identity',
  oauth_client: 'oauth_client_id',
  status_class: `(status / 100)::text || 'xx'`,
};

interface Row {
  start_ms: number;
  grp: string | null;
  total: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  p50: number;
  p95: number;
  bytes_in: string;
  bytes_out: string;
}

@Injectable()
export class UsageService {
  constructor(private readonly store: AnalyticsStore) {}

  async usage(query: UsageQuery): Promise<UsageReport> {
    const params: unknown[] = [query.from.toISOString(), query.to.toISOString(), query.bucket];
    const where = ['at >= $1::timestamptz', 'at < $2::timestamptz'];
    const filter = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    filter('api_id', query.apiId);
    filter('identity', query.identity);
    filter('oauth_client_id', query.oauthClientId);
    const group = query.groupBy ? groupColumn[query.groupBy] : 'NULL::text';
    // Buckets are cut in UTC, whatever the session's time zone.
    const rows = (await this.store.query(
      `SELECT extract(epoch FROM date_trunc($3, at AT TIME ZONE 'UTC'))::float8 * 1000 AS start_ms,
              ${group} AS grp,
              count(*)::int AS total,
              count(*) FILTER (WHERE status BETWEEN 200 AND 299)::int AS s2xx,
              count(*) FILTER (WHERE status BETWEEN 300 AND 399)::int AS s3xx,
              count(*) FILTER (WHERE status BETWEEN 400 AND 499)::int AS s4xx,
              count(*) FILTER (WHERE status BETWEEN 500 AND 599)::int AS s5xx,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY total_ms) AS p95,
              sum(bytes_in)::text AS bytes_in,
              sum(bytes_out)::text AS bytes_out
       FROM ${this.store.table('analytics_records')}
       WHERE ${where.join(' AND ')}
       GROUP BY 1, 2
       ORDER BY 1, 2 NULLS FIRST
       LIMIT ${MAX_USAGE_ROWS + 1}`,
      params,
    )) as Row[];
    const truncated = rows.length > MAX_USAGE_ROWS;
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      bucket: query.bucket,
      group_by: query.groupBy ?? null,
      buckets: rows.slice(0, MAX_USAGE_ROWS).map((row) => ({
        start: new Date(Number(row.start_ms)).toISOString(),
        ...(query.groupBy ? { group: row.grp } : {}),
        total: row.total,
        status: { '2xx': row.s2xx, '3xx': row.s3xx, '4xx': row.s4xx, '5xx': row.s5xx },
        latency_ms: { p50: toMicros(row.p50), p95: toMicros(row.p95) },
        bytes_in: Number(row.bytes_in),
        bytes_out: Number(row.bytes_out),
      })),
      truncated,
    };
  }
}

/** Interpolated percentiles carry float noise (18.549999...); microseconds are precision enough. */
function toMicros(ms: number): number {
  return Math.round(Number(ms) * 1000) / 1000;
}

import { Injectable } from '@nestjs/common';
import { AnalyticsStore } from '../storage/analytics-store.js';
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

@Injectable()
export class UsageService {
  constructor(private readonly store: AnalyticsStore) {}

  async usage(query: UsageQuery): Promise<UsageReport> {
    const rows = await this.store.usageRows(query, MAX_USAGE_ROWS + 1);
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

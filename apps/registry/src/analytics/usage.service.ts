import { Injectable } from '@nestjs/common';
import { LatencySketch } from '@portcullis/analytics';
import { AnalyticsStore, type RequestLogRow } from '../storage/analytics-store.js';
import type { RequestLogQuery } from './request-log-query.js';
import type { Grouping, UsageQuery } from './usage-query.js';

/** Rows a usage answer may hold (buckets × groups); beyond it the answer says it was truncated. */
export const MAX_USAGE_ROWS = 10_000;

/** Latency percentiles in milliseconds, from the merged sketches: each within LATENCY_SKETCH_RELATIVE_ERROR (1 %). */
export interface UsagePercentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface UsageBucket {
  /** Start of the bucket (UTC), ISO 8601. */
  start: string;
  /** The group's value when grouped (null for records without one, e.g. keyless traffic). */
  group?: string | null;
  total: number;
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  /** Total (gateway) latency. */
  latency_ms: UsagePercentiles;
  /** Upstream latency (0 for requests answered without the upstream). */
  upstream_latency_ms: UsagePercentiles;
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

  /** Request logs, newest first: what a debug session (or an API's own request-log setting) kept. */
  requestLogs(query: RequestLogQuery): Promise<RequestLogRow[]> {
    return this.store.requestLogs(query);
  }

  async usage(query: UsageQuery): Promise<UsageReport> {
    const [rows, bins] = await Promise.all([this.store.usageRows(query, MAX_USAGE_ROWS + 1), this.store.usageBins(query)]);
    const sketches = new Map<string, { total: LatencySketch; upstream: LatencySketch }>();
    for (const bin of bins) {
      const key = `${Number(bin.start_ms)}\n${bin.grp}`;
      let pair = sketches.get(key);
      if (pair === undefined) sketches.set(key, (pair = { total: new LatencySketch(), upstream: new LatencySketch() }));
      pair[bin.kind].merge({ [bin.bin]: Number(bin.n) });
    }
    const truncated = rows.length > MAX_USAGE_ROWS;
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      bucket: query.bucket,
      group_by: query.groupBy ?? null,
      buckets: rows.slice(0, MAX_USAGE_ROWS).map((row) => {
        const pair = sketches.get(`${Number(row.start_ms)}\n${row.grp}`);
        return {
          start: new Date(Number(row.start_ms)).toISOString(),
          ...(query.groupBy ? { group: row.grp } : {}),
          total: Number(row.total),
          status: { '2xx': Number(row.s2xx), '3xx': Number(row.s3xx), '4xx': Number(row.s4xx), '5xx': Number(row.s5xx) },
          latency_ms: percentiles(pair?.total),
          upstream_latency_ms: percentiles(pair?.upstream),
          bytes_in: Number(row.bytes_in),
          bytes_out: Number(row.bytes_out),
        };
      }),
      truncated,
    };
  }
}

function percentiles(sketch: LatencySketch | undefined): UsagePercentiles {
  if (sketch === undefined) return { p50: 0, p95: 0, p99: 0 };
  return { p50: toMicros(sketch.quantile(0.5)), p95: toMicros(sketch.quantile(0.95)), p99: toMicros(sketch.quantile(0.99)) };
}

/** A sketch's value carries float noise (18.549999...); microseconds are precision enough. */
function toMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

import type { UsageBucket, UsageReport } from '../../analytics/usage.service.js';
import { bucketSizes } from '../../analytics/usage-query.js';
import type { ChartSeries } from './svg-chart.js';

/** A usage report made dense: one point per bucket of the range, oldest first. */
export interface TrafficSeries {
  /** Start of the first bucket (the report's `from` rounded down to its bucket, as the store groups). */
  from: number;
  /** The report's `to`: the buckets end before it. */
  to: number;
  bucketMs: number;
  /** Requests per bucket; 0 where the report has no bucket. */
  requests: ChartSeries;
  /** Client (4xx) and server (5xx) errors per bucket; 0 where the report has no bucket. */
  errors4xx: ChartSeries;
  errors5xx: ChartSeries;
  /** Gateway latency percentiles in ms; null where there was no traffic (no latency to speak of, not 0). */
  latencyP50: ChartSeries;
  latencyP95: ChartSeries;
  latencyP99: ChartSeries;
}

/**
 * The start of every bucket a report over [from, to) can hold: the store groups by
 * `date_trunc(bucket, bucket_start)` in UTC, so the first one starts at `from` rounded down.
 */
export function bucketStarts(fromMs: number, toMs: number, bucketMs: number): number[] {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || !(bucketMs > 0)) throw new RangeError('bucketStarts needs a finite range and a positive bucket');
  const starts: number[] = [];
  for (let start = Math.floor(fromMs / bucketMs) * bucketMs; start < toMs; start += bucketMs) starts.push(start);
  return starts;
}

/**
 * Dense series for the console's charts, from an ungrouped usage report (the page narrows it to one
 * API, identity or client with the usage query's filters). The report lists only buckets with traffic:
 * the missing ones are zero requests and errors, but no latency at all, so latency gets a gap there.
 */
export function trafficSeries(report: UsageReport): TrafficSeries {
  // Percentiles of several groups cannot be merged into one line: a grouped report is a caller's mistake.
  if (report.group_by !== null) throw new Error(`trafficSeries charts one group; this report is grouped by ${report.group_by}`);
  const bucketMs = bucketSizes[report.bucket];
  const from = Date.parse(report.from);
  const to = Date.parse(report.to);
  const starts = bucketStarts(from, to, bucketMs);
  const byStart = new Map<number, UsageBucket>();
  for (const bucket of report.buckets) {
    const start = Date.parse(bucket.start);
    // A bucket off the grid means the report and its bucket size disagree: charting it would mislead.
    if (!Number.isFinite(start) || start % bucketMs !== 0 || start < (starts[0] ?? from) || start >= to)
      throw new Error(`usage bucket ${bucket.start} is not a ${report.bucket} bucket of ${report.from} to ${report.to}`);
    byStart.set(start, bucket);
  }
  const series = (name: string, value: (bucket: UsageBucket | undefined) => number | null): ChartSeries => ({
    name,
    points: starts.map((t) => ({ t, v: value(byStart.get(t)) })),
  });
  const latency = (bucket: UsageBucket | undefined, pick: 'p50' | 'p95' | 'p99') =>
    bucket === undefined || bucket.total === 0 ? null : bucket.latency_ms[pick];
  return {
    from: starts[0] ?? from,
    to,
    bucketMs,
    requests: series('Requests', (bucket) => bucket?.total ?? 0),
    errors4xx: series('4xx', (bucket) => bucket?.status['4xx'] ?? 0),
    errors5xx: series('5xx', (bucket) => bucket?.status['5xx'] ?? 0),
    latencyP50: series('p50', (bucket) => latency(bucket, 'p50')),
    latencyP95: series('p95', (bucket) => latency(bucket, 'p95')),
    latencyP99: series('p99', (bucket) => latency(bucket, 'p99')),
  };
}

import { describe, expect, it } from 'vitest';
import type { UsageBucket, UsageReport } from '../../analytics/usage.service.js';
import { bucketStarts, trafficSeries } from './time-series.js';

const HOUR = 3_600_000;

function bucket(start: string, total: number, s4xx: number, s5xx: number, p50: number): UsageBucket {
  return {
    start,
    total,
    status: { '2xx': total - s4xx - s5xx, '3xx': 0, '4xx': s4xx, '5xx': s5xx },
    latency_ms: { p50, p95: p50 * 2, p99: p50 * 3 },
    upstream_latency_ms: { p50: 1, p95: 2, p99: 3 },
    bytes_in: 0,
    bytes_out: 0,
  };
}

function report(overrides: Partial<UsageReport> = {}): UsageReport {
  return {
    // From half past: the store's first bucket starts at 10:00, rounded down.
    from: '2026-12-08T10:30:00.000Z',
    to: '2026-12-08T14:30:00.000Z',
    bucket: 'hour',
    group_by: null,
    buckets: [bucket('2026-12-08T11:00:00.000Z', 10, 2, 1, 20), bucket('2026-12-08T13:00:00.000Z', 4, 0, 3, 50)],
    truncated: false,
    ...overrides,
  };
}

const values = (s: { points: { v: number | null }[] }) => s.points.map((p) => p.v);

describe('bucketStarts', () => {
  it('starts at from rounded down to the bucket and ends before to', () => {
    const from = Date.UTC(2026, 11, 8, 10, 30);
    expect(bucketStarts(from, from + 4 * HOUR, HOUR)).toEqual([0, 1, 2, 3, 4].map((i) => Date.UTC(2026, 11, 8, 10 + i)));
    expect(bucketStarts(Date.UTC(2026, 11, 8), Date.UTC(2026, 11, 8, 1), 60_000)).toHaveLength(60);
  });
});

describe('trafficSeries', () => {
  it('fills the missing buckets with 0 for counts and a gap for latency', () => {
    const s = trafficSeries(report());
    expect(s.from).toBe(Date.UTC(2026, 11, 8, 10));
    expect(s.to).toBe(Date.UTC(2026, 11, 8, 14, 30));
    expect(s.bucketMs).toBe(HOUR);
    expect(s.requests.points.map((p) => p.t)).toEqual([10, 11, 12, 13, 14].map((h) => Date.UTC(2026, 11, 8, h)));
    expect(values(s.requests)).toEqual([0, 10, 0, 4, 0]);
    expect(values(s.errors4xx)).toEqual([0, 2, 0, 0, 0]);
    expect(values(s.errors5xx)).toEqual([0, 1, 0, 3, 0]);
    expect(values(s.latencyP50)).toEqual([null, 20, null, 50, null]);
    expect(values(s.latencyP95)).toEqual([null, 40, null, 100, null]);
    expect(values(s.latencyP99)).toEqual([null, 60, null, 150, null]);
  });

  it('gives an empty report all zeros and all gaps', () => {
    const s = trafficSeries(report({ bucket: 'minute', from: '2026-12-08T10:00:00.000Z', to: '2026-12-08T11:00:00.000Z', buckets: [] }));
    expect(values(s.requests)).toEqual(Array(60).fill(0));
    expect(values(s.latencyP99)).toEqual(Array(60).fill(null));
  });

  it('makes day buckets on UTC midnights', () => {
    const s = trafficSeries(
      report({ bucket: 'day', from: '2026-11-08T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z', buckets: [bucket('2026-11-20T00:00:00.000Z', 5, 0, 0, 9)] }),
    );
    expect(s.requests.points).toHaveLength(30);
    expect(s.requests.points[12]).toEqual({ t: Date.UTC(2026, 10, 20), v: 5 });
  });

  it('refuses a grouped report: percentiles of several groups make no one line', () => {
    expect(() => trafficSeries(report({ group_by: 'api' }))).toThrow(/grouped by api/);
  });

  it('refuses a bucket off the report grid rather than drawing it in the wrong place', () => {
    expect(() => trafficSeries(report({ buckets: [bucket('2026-12-08T11:30:00.000Z', 1, 0, 0, 1)] }))).toThrow(/not a hour bucket/);
    expect(() => trafficSeries(report({ buckets: [bucket('2026-12-08T15:00:00.000Z', 1, 0, 0, 1)] }))).toThrow(/not a hour bucket/);
  });
});

import { describe, expect, it } from 'vitest';
import type { UsageReport } from '../../analytics/usage.service.js';
import { renderTrafficCharts } from './traffic-charts.js';

const base: UsageReport = { from: '2026-12-08T10:00:00.000Z', to: '2026-12-08T16:00:00.000Z', bucket: 'hour', group_by: null, buckets: [], truncated: false };

const traffic = {
  start: '2026-12-08T12:00:00.000Z',
  total: 7,
  status: { '2xx': 7, '3xx': 0, '4xx': 0, '5xx': 0 },
  latency_ms: { p50: 10, p95: 20, p99: 30 },
  upstream_latency_ms: { p50: 5, p95: 10, p99: 15 },
  bytes_in: 0,
  bytes_out: 0,
};

describe('renderTrafficCharts', () => {
  it('draws requests, errors and latency, and says "no errors" rather than "no traffic" when there was traffic', () => {
    const charts = renderTrafficCharts({ ...base, buckets: [traffic] });
    expect(charts.requests).toContain('Requests per hour');
    expect(charts.requests).toContain('<path');
    expect(charts.errors).toContain('No errors in this range');
    expect(charts.latency).toContain('p99: peak 30 ms');
  });

  it('says there was no traffic in all three when there was none', () => {
    const charts = renderTrafficCharts(base);
    for (const svg of Object.values(charts)) expect(svg).toContain('No traffic in this range');
  });

  it('draws each chart twice, wide and narrow, the narrow one with fewer time labels at the same text size', () => {
    const charts = renderTrafficCharts({ ...base, buckets: [traffic] });
    for (const svg of Object.values(charts)) {
      expect(svg.match(/<svg /g)).toHaveLength(2);
      expect(svg).toMatch(/<svg [^>]*class="chart chart-wide"[^>]*viewBox="0 0 800 /);
      expect(svg).toMatch(/<svg [^>]*class="chart chart-narrow"[^>]*viewBox="0 0 400 /);
    }
    const [wide, narrow] = charts.requests.split('</svg>');
    const timeLabels = (svg: string) => (svg.match(/text-anchor="middle">\d\d:\d\d</g) ?? []).length;
    expect(timeLabels(narrow!)).toBeLessThan(timeLabels(wide!));
    expect(timeLabels(narrow!)).toBeGreaterThan(0);
    // Nothing is drawn past the narrow drawing's right edge.
    for (const x of narrow!.matchAll(/x2?="([\d.]+)"/g)) expect(Number(x[1])).toBeLessThanOrEqual(400);
  });
});

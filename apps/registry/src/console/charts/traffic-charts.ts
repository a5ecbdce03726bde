import type { UsageReport } from '../../analytics/usage.service.js';
import { renderLineChart } from './svg-chart.js';
import { trafficSeries } from './time-series.js';

export interface TrafficCharts {
  requests: string;
  errors: string;
  latency: string;
}

/**
 * The console's three traffic charts of one (ungrouped) usage report, as inline SVG strings: requests,
 * errors (4xx and 5xx) and gateway latency (p50, p95, p99). A page that wants other charts calls
 * `trafficSeries` and `renderLineChart` itself.
 */
export function renderTrafficCharts(report: UsageReport): TrafficCharts {
  const s = trafficSeries(report);
  const range = { from: s.from, to: s.to };
  const hadTraffic = s.requests.points.some((p) => (p.v ?? 0) > 0);
  return {
    requests: renderLineChart({ title: `Requests per ${report.bucket}`, unit: 'requests', series: [s.requests], integer: true, ...range }),
    errors: renderLineChart({
      title: `Errors per ${report.bucket}`,
      unit: 'requests',
      series: [s.errors4xx, s.errors5xx],
      integer: true,
      // Zero errors in a range with traffic is good news, not an absence of traffic.
      ...(hadTraffic ? { emptyText: 'No errors in this range' } : {}),
      ...range,
    }),
    latency: renderLineChart({ title: 'Latency (gateway)', unit: 'ms', series: [s.latencyP50, s.latencyP95, s.latencyP99], ...range }),
  };
}

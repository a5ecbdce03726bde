import type { UsageReport } from '../../analytics/usage.service.js';
import { NARROW_CHART_WIDTH, renderLineChart, type LineChartOptions } from './svg-chart.js';
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
    requests: bothWidths({ title: `Requests per ${report.bucket}`, unit: 'requests', series: [s.requests], integer: true, ...range }),
    errors: bothWidths({
      title: `Errors per ${report.bucket}`,
      unit: 'requests',
      series: [s.errors4xx, s.errors5xx],
      integer: true,
      // Zero errors in a range with traffic is good news, not an absence of traffic.
      ...(hadTraffic ? { emptyText: 'No errors in this range' } : {}),
      ...range,
    }),
    latency: bothWidths({ title: 'Latency (gateway)', unit: 'ms', series: [s.latencyP50, s.latencyP95, s.latencyP99], ...range }),
  };
}

/**
 * A chart drawn twice, for a desktop's width and for a phone's (chartCss shows one, by the page's
 * width): scaled down to a phone, the wide drawing's labels would be a few pixels high.
 */
function bothWidths(options: LineChartOptions): string {
  return renderLineChart({ ...options, className: 'chart-wide' }) + renderLineChart({ ...options, width: NARROW_CHART_WIDTH, className: 'chart-narrow' });
}

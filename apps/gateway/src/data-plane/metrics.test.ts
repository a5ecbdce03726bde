import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './metrics.js';

describe('GatewayMetrics', () => {
  it('renders requests by API and status, and a cumulative latency histogram, in Prometheus text', async () => {
    const metrics = new GatewayMetrics();
    const orders = metrics.recorderFor('orders');
    orders.observe(200, 0.004);
    orders.observe(200, 0.2);
    orders.observe(502, 40);
    metrics.recorderFor('').observe(404, 0.0001);
    const { contentType, body } = await metrics.render();
    expect(contentType).toContain('text/plain');
    const lines = body.split('\n');
    expect(lines).toContain('# TYPE portcullis_gateway_requests_total counter');
    expect(lines).toContain('portcullis_gateway_requests_total{api_id="orders",status="200"} 2');
    expect(lines).toContain('portcullis_gateway_requests_total{api_id="orders",status="502"} 1');
    expect(lines).toContain('portcullis_gateway_requests_total{api_id="",status="404"} 1');
    expect(lines).toContain('# TYPE portcullis_gateway_request_duration_seconds histogram');
    expect(lines).toContain('portcullis_gateway_request_duration_seconds_bucket{api_id="orders",le="0.0025"} 0');
    expect(lines).toContain('portcullis_gateway_request_duration_seconds_bucket{api_id="orders",le="0.005"} 1');
    expect(lines).toContain('portcullis_gateway_request_duration_seconds_bucket{api_id="orders",le="0.25"} 2');
    expect(lines).toContain('portcullis_gateway_request_duration_seconds_bucket{api_id="orders",le="30"} 2');
    expect(lines).toContain('portcullis_gateway_request_duration_seconds_bucket{api_id="orders",le="+Inf"} 3');
    expect(lines).toContain('portcullis_gateway_request_duration_seconds_count{api_id="orders"} 3');
    expect(lines.find((l) => l.startsWith('portcullis_gateway_request_duration_seconds_sum{api_id="orders"}'))).toMatch(/ 40\.204$/);
    // The process defaults are there too.
    expect(body).toContain('process_cpu_seconds_total');
  });

  it('keeps one recorder per API across recompilations', () => {
    const metrics = new GatewayMetrics();
    expect(metrics.recorderFor('a')).toBe(metrics.recorderFor('a'));
    expect(metrics.recorderFor('a')).not.toBe(metrics.recorderFor('b'));
  });
});

import { ConfigError } from '@portcullis/config';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../config.js';

const base = { ADMIN_SECRET: 'a-test-admin-secret-0123456789' };

describe('the OTEL_* tracing variables', () => {
  it('leave tracing off by default, and with OTEL_TRACES_EXPORTER=none, whatever else is set', () => {
    expect(loadGatewayConfig(base).tracing).toBeNull();
    expect(loadGatewayConfig({ ...base, OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeNull();
  });

  it('turn it on with otlp: the specification defaults, traces under {endpoint}/v1/traces', () => {
    expect(loadGatewayConfig({ ...base, OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toEqual({
      serviceName: 'portcullis-gateway',
      url: 'http://localhost:4318/v1/traces',
      headers: {},
      timeoutMs: 10_000,
      sampler: 'parentbased_always_on',
      ratio: 1,
      scheduleDelayMs: 5_000,
      maxBatchSize: 512,
      maxQueueSize: 2_048,
    });
    const set = loadGatewayConfig({
      ...base,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D,tenant = t1',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
    }).tracing;
    expect(set).toMatchObject({
      url: 'https://collector.example:4318/v1/traces',
      headers: { 'x-api-key': 'abc=', tenant: 't1' },
      sampler: 'parentbased_traceidratio',
      ratio: 0.25,
      maxBatchSize: 100,
    });
    expect(loadGatewayConfig({ ...base, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' }).tracing!.url).toBe(
      'http://c:4318/custom',
    );
  });

  it('refuse the start naming a bad value', () => {
    for (const bad of [
      { OTEL_TRACES_EXPORTER: 'jaeger' },
      { OTEL_TRACES_SAMPLER_ARG: '2' },
      { OTEL_TRACES_SAMPLER: 'sometimes' },
      { OTEL_EXPORTER_OTLP_HEADERS: 'novalue' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://c' },
    ]) {
      expect(() => loadGatewayConfig({ ...base, ...bad }), JSON.stringify(bad)).toThrow(ConfigError);
      expect(() => loadGatewayConfig({ ...base, ...bad })).toThrow(new RegExp(Object.keys(bad)[0]!));
    }
  });
});

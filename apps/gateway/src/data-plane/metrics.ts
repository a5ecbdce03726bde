import type { CircuitBreaker } from './upstreams/circuit-breaker.js';
import { collectDefaultMetrics, Counter, Registry, type Metric, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client';

const breakerStates = { closed: 0, open: 1, 'half-open': 2 } as const;

const REQUESTS = 'portcullis_gateway_requests_total';
const DURATION = 'portcullis_gateway_request_duration_seconds';
const BOUNDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The request counts and latency histogram of one API, as plain numbers. prom-client's label-bound
 * children still hash their labels on every call; here a request costs a Map lookup by status, a
 * short bucket scan and a few increments. The numbers become Prometheus series only when scraped.
 */
export class ApiRecorder {
  private readonly byStatus = new Map<number, { count: number }>();
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  private readonly buckets = new Float64Array(BOUNDS.length + 1);
  private sum = 0;
  private count = 0;

  constructor(readonly apiId: string) {}

  observe(status: number, seconds: number): void {
    let counter = this.byStatus.get(status);
    if (counter === undefined) {
      counter = { count: 0 };
      this.byStatus.set(status, counter);
    }
    counter.count++;
    let bucket = 0;
    while (bucket < BOUNDS.length && seconds > BOUNDS[bucket]!) bucket++;
    this.buckets[bucket]!++;
    this.sum += seconds;
    this.count++;
  }

  requestSeries(): MetricValueWithName<string>[] {
    return [...this.byStatus].map(([status, { count }]) => ({ labels: { api_id: this.apiId, status }, value: count }));
  }

  durationSeries(): MetricValueWithName<string>[] {
    const series: MetricValueWithName<string>[] = [];
    let cumulative = 0;
    for (let i = 0; i <= BOUNDS.length; i++) {
      cumulative += this.buckets[i]!;
      series.push({ metricName: `${DURATION}_bucket`, labels: { api_id: this.apiId, le: i < BOUNDS.length ? BOUNDS[i]! : '+Inf' }, value: cumulative });
    }
    series.push({ metricName: `${DURATION}_sum`, labels: { api_id: this.apiId }, value: this.sum });
    series.push({ metricName: `${DURATION}_count`, labels: { api_id: this.apiId }, value: this.count });
    return series;
  }
}

/** A metric prom-client's registry renders by calling `get()` at scrape time. */
function collector(name: string, help: string, type: 'counter' | 'histogram' | 'gauge', values: () => MetricValueWithName<string>[]): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async (): Promise<MetricObjectWithValues<MetricValueWithName<string>>> => ({ name, help, type, aggregator: 'sum', values: values() }) as never,
    reset: () => undefined,
  };
  // The registry needs only name/help/type and get(); prom-client's types name its own classes.
  return metric as unknown as Metric;
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (two gateways in one process, as in
 * tests and the embedded launcher, must not share counters): the process defaults, requests by API
 * and status (api_id is empty when no API matched), and request durations by API.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly recorders = new Map<string, ApiRecorder>();
  private readonly breakers = new Map<string, readonly CircuitBreaker[]>();
  private breakersRegistered = false;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.registry.registerMetric(
      collector(REQUESTS, 'Requests answered by the data plane, by API and HTTP status (api_id is empty when no API matched)', 'counter', () =>
        [...this.recorders.values()].flatMap((recorder) => recorder.requestSeries()),
      ),
    );
    this.registry.registerMetric(
      collector(DURATION, 'Time from receiving a request to finishing its response, by API', 'histogram', () =>
        [...this.recorders.values()].flatMap((recorder) => recorder.durationSeries()),
      ),
    );
  }

  /** Load-balanced targets' health, read at scrape time (1 up, 0 taken out by a health check). */
  trackUpstreamHealth(source: () => readonly { origin: string; healthy: boolean }[]): void {
    this.registry.registerMetric(
      collector(
        'portcullis_upstream_target_up',
        'Whether a load-balanced upstream target is in service (0: taken out by an active or passive health check)',
        'gauge',
        () => source().map((target) => ({ labels: { target: target.origin }, value: target.healthy ? 1 : 0 })),
      ),
    );
  }

  /**
   * An API's circuit breakers, replaced when it is compiled again (its breakers start closed). Their
   * state (0 closed, 1 open, 2 half-open) and their BreakerTripped / BreakerReset counts.
   */
  trackBreakers(apiId: string, breakers: readonly CircuitBreaker[]): void {
    if (breakers.length === 0 && !this.breakers.has(apiId)) return;
    this.breakers.set(apiId, breakers);
    if (this.breakersRegistered) return;
    this.breakersRegistered = true;
    const all = () => [...this.breakers.values()].flat();
    this.registry.registerMetric(
      collector('portcullis_circuit_breaker_state', 'Circuit breaker state by API, version, method and path: 0 closed, 1 open, 2 half-open', 'gauge', () =>
        all().map((breaker) => ({ labels: { ...breaker.labels }, value: breakerStates[breaker.state] })),
      ),
    );
    this.registry.registerMetric(
      collector(
        'portcullis_circuit_breaker_events_total',
        "Circuit breaker transitions (Tyk's BreakerTripped / BreakerReset events) since the API was loaded",
        'counter',
        () =>
          all().flatMap((breaker) => [
            { labels: { ...breaker.labels, event: 'BreakerTripped' }, value: breaker.tripped },
            { labels: { ...breaker.labels, event: 'BreakerReset' }, value: breaker.resets },
          ]),
      ),
    );
  }

  /** Event webhooks by event and outcome (delivered, failed, dropped: queue full, suppressed: cooldown). */
  readonly eventWebhooks = new Counter({
    name: 'portcullis_event_webhooks_total',
    help: 'event_handlers webhook deliveries by event and outcome: delivered (2xx), failed (error, timeout, other status), dropped (queue full), suppressed (event_timeout cooldown)',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  /** One recorder per API id, kept across recompilations (counters never go back). */
  recorderFor(apiId: string): ApiRecorder {
    let recorder = this.recorders.get(apiId);
    if (recorder === undefined) {
      recorder = new ApiRecorder(apiId);
      this.recorders.set(apiId, recorder);
    }
    return recorder;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics, in a registry of its own (two gateways in one process, as in
 * tests and the embedded launcher, must not share counters).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'api_id' | 'status'>;
  private readonly durations: Histogram<'api_id'>;
  private readonly recorders = new Map<string, ApiRecorder>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'portcullis_gateway_requests_total',
      help: 'Requests answered by the data plane, by API and HTTP status (api_id is empty when no API matched)',
      labelNames: ['api_id', 'status'],
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'portcullis_gateway_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, by API',
      labelNames: ['api_id'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
  }

  /** One recorder per API id, kept across recompilations so its label-bound children are made once. */
  recorderFor(apiId: string): ApiRecorder {
    let recorder = this.recorders.get(apiId);
    if (recorder === undefined) {
      recorder = new ApiRecorder(this.requests, this.durations.labels(apiId), apiId);
      this.recorders.set(apiId, recorder);
    }
    return recorder;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * The label-bound metric children of one API. Label hashing happens when a child is first made;
 * afterwards a request costs a Map lookup by status and two increments.
 */
export class ApiRecorder {
  private readonly byStatus = new Map<number, Counter.Internal>();

  constructor(
    private readonly requests: Counter<'api_id' | 'status'>,
    private readonly duration: Histogram.Internal<'api_id'>,
    readonly apiId: string,
  ) {}

  observe(status: number, seconds: number): void {
    let counter = this.byStatus.get(status);
    if (counter === undefined) {
      counter = this.requests.labels(this.apiId, String(status));
      this.byStatus.set(status, counter);
    }
    counter.inc();
    this.duration.observe(seconds);
  }
}

import { Counter, type Registry } from 'prom-client';
import { createSpanExport, type SpanExport, type SpanOutcomes } from './span-export.js';
import { ChainTracing } from './traced-chain.js';
import type { TracingSettings } from './tracing-variables.js';

export interface TracingLog {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * The gateway's OpenTelemetry trace export: null `chains` when it is off (OTEL_TRACES_EXPORTER
 * unset or `none`), and then nothing of it exists but this object. On, the spans that could not
 * be exported are counted in `portcullis_trace_spans_total`, and a collector that stops or starts
 * answering is logged once each way, not once per batch.
 */
export class GatewayTracing {
  readonly chains: ChainTracing | null;
  private readonly spanExport: SpanExport | null;

  constructor(settings: TracingSettings | null, registry: Registry, log: TracingLog) {
    if (settings === null) {
      this.chains = null;
      this.spanExport = null;
      return;
    }
    const spans = new Counter({
      name: 'portcullis_trace_spans_total',
      help: 'Trace spans by outcome: exported (the collector took them), failed (an export failed: lost), dropped (the export queue was full)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    let failing = false;
    const outcomes: SpanOutcomes = {
      exported(count, ok) {
        spans.inc({ outcome: ok ? 'exported' : 'failed' }, count);
        if (ok === !failing) return;
        failing = !ok;
        if (failing) log.warn(`trace export to ${settings.url} failed: spans are dropped until it answers (see portcullis_trace_spans_total)`);
        else log.log(`trace export to ${settings.url} works again`);
      },
      dropped: () => spans.inc({ outcome: 'dropped' }),
    };
    this.spanExport = createSpanExport(settings, outcomes);
    this.chains = new ChainTracing(this.spanExport.tracer);
    log.log(`tracing on: OTLP/HTTP to ${settings.url}, sampler ${settings.sampler}${settings.sampler.endsWith('traceidratio') ? ` ${settings.ratio}` : ''}`);
  }

  /** Sends what is still queued (bounded by the export timeout) and stops. */
  async shutdown(): Promise<void> {
    await this.spanExport?.shutdown();
  }
}

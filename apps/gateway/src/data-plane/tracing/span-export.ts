import type { Context, Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Sampling, TracingSettings } from './tracing-variables.js';

/** What became of the spans handed to the export, for `portcullis_trace_spans_total`. */
export interface SpanOutcomes {
  /** `count` spans reached the collector (`ok`) or were lost in a failed export. */
  exported(count: number, ok: boolean): void;
  /** A span ended while the queue was full: dropped, never waited for. */
  dropped(): void;
}

export function samplerFor(sampling: Sampling, ratio: number): Sampler {
  switch (sampling) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * In front of the batch processor, two things it does not do:
 *  - the bound on spans waiting for export is kept here (the processor drops silently): a span
 *    that would go past it is dropped and counted. `waiting` counts spans from their end until
 *    their export settled, so a collector that is down (each export waits for its timeout) fills
 *    the bound, and requests go on untouched while it is full;
 *  - ended spans reach the processor on the next turn of the event loop, all of a turn's at once:
 *    the processor starts an export the moment a batch is full, which would otherwise serialise
 *    and send it inside whichever request ended the span that filled it.
 */
export class BoundedSpanQueue implements SpanProcessor {
  private waiting = 0;
  private ended: ReadableSpan[] = [];
  private scheduled: NodeJS.Immediate | null = null;

  constructor(
    private readonly next: SpanProcessor,
    private readonly maxWaiting: number,
    private readonly outcomes: SpanOutcomes,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.waiting >= this.maxWaiting) {
      this.outcomes.dropped();
      return;
    }
    this.waiting++;
    this.ended.push(span);
    this.scheduled ??= setImmediate(this.handOver);
  }

  private readonly handOver = (): void => {
    this.scheduled = null;
    const spans = this.ended;
    this.ended = [];
    for (let i = 0; i < spans.length; i++) this.next.onEnd(spans[i]!);
  };

  /** The export of `count` spans settled, whichever way. */
  settled(count: number): void {
    this.waiting = Math.max(0, this.waiting - count);
  }

  forceFlush(): Promise<void> {
    this.handOverNow();
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    this.handOverNow();
    return this.next.shutdown();
  }

  private handOverNow(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.handOver();
  }
}

/** The OTLP exporter, with each export's outcome reported (counted, and the queue's bound freed). */
export class ReportingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly onSettled: (count: number, ok: boolean) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.onSettled(spans.length, result.code === ExportResultCode.SUCCESS);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** The SDK's tracer behind the gateway's traces, and how to flush and stop it. */
export interface SpanExport {
  readonly tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * The SDK set up from the gateway's settings, nothing global registered (no global tracer
 * provider, propagator or context manager: the gateway passes contexts itself, and two gateways in
 * one process keep their own). Spans leave in batches from the processor's timer, never on a
 * request's path; `exporter` replaces the OTLP/HTTP one (tests).
 */
export function createSpanExport(settings: TracingSettings, outcomes: SpanOutcomes, exporter?: SpanExporter): SpanExport {
  const otlp =
    exporter ??
    new OTLPTraceExporter({
      url: settings.url,
      headers: { ...settings.headers },
      timeoutMillis: settings.timeoutMs,
    });
  let queue: BoundedSpanQueue | null = null;
  const reporting = new ReportingExporter(otlp, (count, ok) => {
    queue!.settled(count);
    outcomes.exported(count, ok);
  });
  const batches = new BatchSpanProcessor(reporting, {
    // The bound is BoundedSpanQueue's: the processor's own is never reached.
    maxQueueSize: settings.maxQueueSize,
    maxExportBatchSize: settings.maxBatchSize,
    scheduledDelayMillis: settings.scheduleDelayMs,
    exportTimeoutMillis: settings.timeoutMs,
  });
  queue = new BoundedSpanQueue(batches, settings.maxQueueSize, outcomes);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
    sampler: samplerFor(settings.sampler, settings.ratio),
    spanProcessors: [queue],
  });
  return {
    tracer: provider.getTracer('@portcullis/gateway'),
    shutdown: () => provider.shutdown(),
  };
}

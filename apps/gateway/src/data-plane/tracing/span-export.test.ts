import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { BoundedSpanQueue, createSpanExport, type SpanOutcomes } from './span-export.js';
import type { TracingSettings } from './tracing-variables.js';

function countingOutcomes() {
  const counts = { exported: 0, failed: 0, dropped: 0 };
  const outcomes: SpanOutcomes = {
    exported: (count, ok) => (counts[ok ? 'exported' : 'failed'] += count),
    dropped: () => counts.dropped++,
  };
  return { counts, outcomes };
}

const settings: TracingSettings = {
  serviceName: 'test',
  url: 'http://127.0.0.1:9/v1/traces',
  headers: {},
  timeoutMs: 1_000,
  sampler: 'parentbased_always_on',
  ratio: 1,
  scheduleDelayMs: 10,
  maxBatchSize: 2,
  maxQueueSize: 3,
};

/** An exporter whose exports settle only when told to (a collector that is slow or down). */
class HeldExporter implements SpanExporter {
  readonly held: { spans: ReadableSpan[]; done: (result: ExportResult) => void }[] = [];
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.held.push({ spans, done });
  }
  settleAll(code: ExportResultCode): void {
    for (const { done } of this.held.splice(0)) done({ code });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('BoundedSpanQueue', () => {
  it('drops and counts spans past its bound, hands the others over on the next turn, and takes more once exports settle', async () => {
    const passed: ReadableSpan[] = [];
    const next = { onStart: () => undefined, onEnd: (span: ReadableSpan) => passed.push(span) } as unknown as SpanProcessor;
    const { counts, outcomes } = countingOutcomes();
    const queue = new BoundedSpanQueue(next, 2, outcomes);
    const span = {} as ReadableSpan;
    for (let i = 0; i < 5; i++) queue.onEnd(span);
    expect(passed).toHaveLength(0);
    await new Promise(setImmediate);
    expect(passed).toHaveLength(2);
    expect(counts.dropped).toBe(3);
    queue.settled(1);
    queue.onEnd(span);
    queue.onEnd(span);
    await new Promise(setImmediate);
    expect(passed).toHaveLength(3);
    expect(counts.dropped).toBe(4);
  });
});

describe('createSpanExport', () => {
  it('sends batches off the request path, counts what the collector took and what a failed export lost, and bounds what waits', async () => {
    const held = new HeldExporter();
    const { counts, outcomes } = countingOutcomes();
    const spanExport = createSpanExport(settings, outcomes, held);
    const tracer = spanExport.tracer;
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`).end();
    // Ending a span exported nothing yet: a batch leaves later, off the request that ended it.
    expect(held.held).toHaveLength(0);
    // A collector that does not answer: three spans wait (the bound), the other two are dropped.
    expect(counts.dropped).toBe(2);
    const tick = () => new Promise((resolve) => setTimeout(resolve, 50));
    await tick();
    expect(held.held.map((each) => each.spans.length)).toEqual([2]);
    held.settleAll(ExportResultCode.FAILED);
    expect(counts.failed).toBe(2);
    await tick();
    expect(held.held.map((each) => each.spans.length)).toEqual([1]);
    held.settleAll(ExportResultCode.SUCCESS);
    // Settled exports free the bound: a new span is taken again.
    tracer.startSpan('after').end();
    await tick();
    held.settleAll(ExportResultCode.SUCCESS);
    expect(counts).toEqual({ exported: 2, failed: 2, dropped: 2 });
    await spanExport.shutdown();
  });
});

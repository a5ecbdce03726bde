import type { AnalyticsBatch, AnalyticsRecord } from '@portcullis/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnalyticsRecorder, type AnalyticsRecorderOptions } from './recorder.js';
import type { AnalyticsSink } from './sink.js';

function rec(n: number): AnalyticsRecord {
  return {
    at: 1_700_000_000_000 + n,
    api_id: 'api',
    method: 'GET',
    path: `/${n}`,
    status: 200,
    upstream_ms: 1,
    total_ms: 2,
    bytes_in: 0,
    bytes_out: 10,
    auth_result: 'keyless',
  };
}

/** A sink that records batches, and fails while `down` is set. */
class FakeSink implements AnalyticsSink {
  readonly batches: AnalyticsBatch[] = [];
  readonly attempts: string[] = [];
  down = false;
  closed = false;
  async publish(batch: AnalyticsBatch): Promise<void> {
    this.attempts.push(batch.batch_id);
    if (this.down) throw new Error('NATS down');
    this.batches.push(structuredClone(batch));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  paths(): string[] {
    return this.batches.flatMap((b) => b.records.map((r) => r.path));
  }
}

describe('AnalyticsRecorder', () => {
  let sink: FakeSink;
  let recorder: AnalyticsRecorder;
  let ids = 0;
  const make = (options: Partial<AnalyticsRecorderOptions> = {}) =>
    new AnalyticsRecorder({ sink, gatewayId: 'gw-1', flushMs: 1000, batchSize: 3, maxBuffered: 10, newBatchId: () => `b${++ids}`, ...options });

  beforeEach(() => {
    vi.useFakeTimers();
    sink = new FakeSink();
    ids = 0;
  });
  afterEach(async () => {
    await recorder?.close();
    vi.useRealTimers();
  });

  it('record is synchronous and publishes nothing by itself', () => {
    recorder = make();
    const result: unknown = recorder.record(rec(1));
    expect(result).toBeUndefined();
    expect(sink.attempts).toEqual([]);
    expect(recorder.stats().buffered).toBe(1);
  });

  it('flushes a partial batch when the timer fires', async () => {
    recorder = make();
    recorder.record(rec(1));
    recorder.record(rec(2));
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toEqual([{ gateway_id: 'gw-1', batch_id: 'b1', records: [rec(1), rec(2)] }]);
    expect(recorder.stats()).toMatchObject({ buffered: 0, published: 2 });
  });

  it('flushes at batch size without waiting for the timer, in batches of at most that size', async () => {
    recorder = make();
    for (let i = 1; i <= 7; i++) recorder.record(rec(i));
    await vi.advanceTimersByTimeAsync(0);
    // Everything buffered goes out once a flush starts: two full batches and the remainder.
    expect(sink.batches.map((b) => b.records.length)).toEqual([3, 3, 1]);
    expect(sink.paths()).toEqual(['/1', '/2', '/3', '/4', '/5', '/6', '/7']);
    expect(new Set(sink.batches.map((b) => b.batch_id)).size).toBe(3);
  });

  it('leaves records that arrive during a publish for the next kick or tick, rather than a batch per ack', async () => {
    let release: () => void = () => undefined;
    const publish = sink.publish.bind(sink);
    sink.publish = async (batch) => {
      await new Promise<void>((resolve) => (release = resolve));
      await publish(batch);
    };
    recorder = make();
    for (let i = 1; i <= 3; i++) recorder.record(rec(i));
    await vi.advanceTimersByTimeAsync(0);
    recorder.record(rec(4));
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches.map((b) => b.records.length)).toEqual([3]);
    expect(recorder.stats().buffered).toBe(1);
    // The tick still publishes it within flushMs.
    await vi.advanceTimersByTimeAsync(1000);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.paths()).toEqual(['/1', '/2', '/3', '/4']);
  });

  it('retries a failed batch with the same batch_id, backing off', async () => {
    const errors: number[] = [];
    recorder = make({ retryInitialMs: 100, retryMaxMs: 1000, onPublishError: (_e, attempt) => errors.push(attempt) });
    sink.down = true;
    recorder.record(rec(1));
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.attempts).toEqual(['b1']);
    await vi.advanceTimersByTimeAsync(100);
    expect(sink.attempts).toEqual(['b1', 'b1']);
    // The second retry waits longer: 100-200 ms with jitter, against 50-100 ms for the first.
    await vi.advanceTimersByTimeAsync(200);
    expect(sink.attempts).toEqual(['b1', 'b1', 'b1']);
    expect(errors).toEqual([1, 2, 3]);
    sink.down = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(sink.batches).toEqual([{ gateway_id: 'gw-1', batch_id: 'b1', records: [rec(1)] }]);
    expect(recorder.stats()).toMatchObject({ pending: 0, published: 1, dropped: 0 });
  });

  it('keeps buffering while the sink is down, up to the bound, then drops the oldest and counts them', async () => {
    const drops: number[] = [];
    recorder = make({ maxBuffered: 5, onDrop: (n) => drops.push(n), retryInitialMs: 10_000, retryMaxMs: 10_000 });
    sink.down = true;
    for (let i = 1; i <= 3; i++) recorder.record(rec(i));
    await vi.advanceTimersByTimeAsync(0);
    // Records 1-3 are the pending batch; the ring holds the next five.
    expect(recorder.stats()).toMatchObject({ pending: 3, buffered: 0 });
    for (let i = 4; i <= 10; i++) recorder.record(rec(i));
    expect(recorder.stats()).toMatchObject({ pending: 3, buffered: 5, dropped: 2 });
    expect(drops).toEqual([1, 1]);
    sink.down = false;
    await vi.advanceTimersByTimeAsync(10_000);
    // Records 4 and 5 were the oldest in the ring when it overflowed.
    expect(sink.paths()).toEqual(['/1', '/2', '/3', '/6', '/7', '/8', '/9', '/10']);
  });

  it('close flushes what is buffered and closes the sink', async () => {
    recorder = make();
    recorder.record(rec(1));
    await recorder.close();
    expect(sink.paths()).toEqual(['/1']);
    expect(sink.closed).toBe(true);
    recorder.record(rec(2));
    expect(recorder.stats().dropped).toBe(1);
  });

  it('close with the sink down gives up after one attempt and counts what was lost', async () => {
    recorder = make();
    sink.down = true;
    recorder.record(rec(1));
    recorder.record(rec(2));
    await recorder.close();
    expect(sink.attempts).toHaveLength(1);
    expect(recorder.stats()).toMatchObject({ dropped: 2, buffered: 0, pending: 0 });
  });

  it('refuses nonsensical settings', () => {
    expect(() => make({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => make({ flushMs: -1 })).toThrow(/flushMs/);
  });
});

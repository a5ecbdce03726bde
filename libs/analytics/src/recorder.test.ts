import type { AnalyticsBatch, AnalyticsRecord } from '@portcullis/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnalyticsRecorder, type AnalyticsRecorderOptions } from './recorder.js';
import type { AnalyticsSink } from './sink.js';

/** Aligned to the 1 s windows used below. */
const T0 = 1_700_000_000_000;

function rec(n: number, overrides: Partial<AnalyticsRecord> = {}): AnalyticsRecord {
  return {
    at: T0 + n,
    api_id: 'api',
    method: 'GET',
    path: `/${n}`,
    status: 200,
    upstream_ms: 1,
    total_ms: 2,
    bytes_in: 0,
    bytes_out: 10,
    auth_result: 'keyless',
    ...overrides,
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
  /** Requests counted in what was published. */
  counted(): number {
    return this.batches.reduce((sum, b) => sum + (b.aggregates ?? []).reduce((s, a) => s + a.count, 0), 0);
  }
}

describe('AnalyticsRecorder', () => {
  let sink: FakeSink;
  let recorder: AnalyticsRecorder;
  const make = (options: Partial<AnalyticsRecorderOptions> = {}) =>
    new AnalyticsRecorder({ sink, gatewayId: 'gw-1', flushMs: 1000, batchSize: 3, maxBuffered: 10, ...options });

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    sink = new FakeSink();
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

  it('publishes a window when it ends: one aggregate per dimension tuple, counts exact, id per (gateway, window, part)', async () => {
    recorder = make({ batchSize: 100 });
    for (let i = 1; i <= 5; i++) recorder.record(rec(i, { bytes_in: 1 }));
    recorder.record(rec(6, { status: 404, total_ms: 7 }));
    recorder.record(rec(7, { status: 200, identity: 'h1' }));
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toHaveLength(1);
    const [batch] = sink.batches;
    expect(batch).toMatchObject({
      gateway_id: 'gw-1',
      batch_id: expect.stringMatching(new RegExp(`^gw-1:[0-9a-f]{8}:${T0}:1$`)),
      window: { start: T0, ms: 1000 },
      records: [],
    });
    const byKey = Object.fromEntries(batch!.aggregates!.map((a) => [`${a.status}/${a.identity ?? '-'}`, a]));
    expect(byKey['200/-']).toMatchObject({ count: 5, bytes_in: 5, bytes_out: 50, auth_result: 'keyless' });
    expect(byKey['404/-']).toMatchObject({ count: 1 });
    expect(byKey['200/h1']).toMatchObject({ count: 1, identity: 'h1' });
    expect(recorder.stats()).toMatchObject({ buffered: 0, published: 7 });
  });

  it('keeps request logs only when asked, and cuts a large window into parts of at most batchSize entries', async () => {
    recorder = make({ batchSize: 2 });
    recorder.record(rec(1), true);
    recorder.record(rec(2, { status: 500 }), true);
    recorder.record(rec(3, { status: 503 }));
    recorder.record(rec(4));
    await vi.advanceTimersByTimeAsync(1000);
    // 3 aggregates (200, 500, 503) and 2 logs: 5 entries in parts of 2.
    expect(sink.batches.map((b) => [b.aggregates!.length, b.records.length])).toEqual([
      [2, 0],
      [1, 1],
      [0, 1],
    ]);
    expect(sink.batches.flatMap((b) => b.records.map((r) => r.path))).toEqual(['/1', '/2']);
    expect(new Set(sink.batches.map((b) => b.batch_id)).size).toBe(3);
    expect(sink.counted()).toBe(4);
  });

  it('cuts by bytes too when the sink has a limit (the NATS server max_payload), asked at each window close', async () => {
    const limited = Object.assign(sink, { limit: 600, maxBatchBytes: () => limited.limit });
    recorder = make({ batchSize: 100, maxBuffered: 1_000 });
    const long = (n: number) => rec(n, { status: 200 + n, path: `/${'p'.repeat(150)}/${n}` });
    for (let i = 1; i <= 6; i++) recorder.record(long(i), true);
    await vi.advanceTimersByTimeAsync(1000);
    // 6 aggregates and 6 logs of about 230 bytes each: in parts under the limit, all there, in order.
    expect(sink.batches.length).toBeGreaterThan(3);
    for (const batch of sink.batches) {
      const entries = [...batch.aggregates!, ...batch.records];
      expect(entries.length).toBeGreaterThan(0);
      if (entries.length > 1) expect(Buffer.byteLength(entries.map((entry) => JSON.stringify(entry)).join(''))).toBeLessThanOrEqual(600);
    }
    expect(sink.batches.flatMap((b) => b.records.map((r) => r.at - T0))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sink.counted()).toBe(6);
    expect(new Set(sink.batches.map((b) => b.batch_id)).size).toBe(sink.batches.length);
    // A larger limit (a reconnect to another server) applies to the next window; an entry over the limit goes alone.
    const published = sink.batches.length;
    limited.limit = 100_000;
    for (let i = 1; i <= 6; i++) recorder.record(long(1000 + i), true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.batches.length - published).toBe(1);
    limited.limit = 10;
    recorder.record(long(2001), true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.batches.slice(published + 1).map((b) => [b.aggregates!.length, b.records.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('places a request by its own time: windows in the past close at the next tick', async () => {
    recorder = make();
    recorder.record(rec(-1_500));
    recorder.record(rec(-10));
    recorder.record(rec(10));
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.batches.map((b) => b.window!.start)).toEqual([T0 - 2000, T0 - 1000, T0]);
  });

  it('retries a failed batch with the same batch_id, backing off, and counts it once', async () => {
    const errors: number[] = [];
    recorder = make({ retryInitialMs: 100, retryMaxMs: 1000, onPublishError: (_e, attempt) => errors.push(attempt) });
    sink.down = true;
    recorder.record(rec(1));
    await vi.advanceTimersByTimeAsync(1000);
    const id = sink.attempts[0]!;
    expect(id).toMatch(new RegExp(`^gw-1:[0-9a-f]{8}:${T0}:1$`));
    expect(sink.attempts).toEqual([id]);
    await vi.advanceTimersByTimeAsync(100);
    expect(sink.attempts).toEqual([id, id]);
    // The second retry waits longer: 100-200 ms with jitter, against 50-100 ms for the first.
    await vi.advanceTimersByTimeAsync(200);
    expect(sink.attempts).toEqual([id, id, id]);
    expect(errors).toEqual([1, 2, 3]);
    expect(recorder.stats()).toMatchObject({ pending: 1, buffered: 1 });
    sink.down = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(sink.batches.map((b) => b.batch_id)).toEqual([id]);
    expect(recorder.stats()).toMatchObject({ pending: 0, published: 1, dropped: 0 });
  });

  it('keeps windows while the sink is down, up to the bound in entries, then drops the oldest (never the one in flight) and counts their requests', async () => {
    const drops: number[] = [];
    recorder = make({ maxBuffered: 3, onDrop: (n) => drops.push(n), retryInitialMs: 60_000, retryMaxMs: 60_000 });
    sink.down = true;
    // Five windows, one aggregate each (two requests): the first fails and waits for its retry.
    for (let w = 0; w < 5; w++) {
      recorder.record(rec(w * 1000 + 1));
      recorder.record(rec(w * 1000 + 2));
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(recorder.stats()).toMatchObject({ pending: 2, dropped: 4 });
    expect(drops).toEqual([2, 2]);
    sink.down = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sink.batches.map((b) => b.window!.start)).toEqual([T0, T0 + 3000, T0 + 4000]);
    expect(sink.counted()).toBe(6);
  });

  it('close (SIGTERM) publishes the open window and closes the sink; later requests are counted as dropped', async () => {
    recorder = make();
    recorder.record(rec(1));
    recorder.record(rec(2));
    await recorder.close();
    expect(sink.counted()).toBe(2);
    expect(sink.closed).toBe(true);
    recorder.record(rec(3));
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

  it('gives a restarted gateway with the same id batch ids of its own, so none is taken for a duplicate', async () => {
    recorder = make();
    recorder.record(rec(1));
    await recorder.flush();
    const again = make();
    again.record(rec(2));
    await again.close();
    expect(new Set(sink.batches.map((b) => b.batch_id)).size).toBe(2);
  });

  it('refuses nonsensical settings', () => {
    expect(() => make({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => make({ flushMs: -1 })).toThrow(/flushMs/);
    expect(() => make({ flushMs: 7_000 })).toThrow(/divid/);
  });
});

import type { AnalyticsRecord } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { LatencySketch } from './latency-sketch.js';
import { WindowAggregator } from './window-aggregator.js';

const T0 = 1_700_000_000_000;
const rec = (at: number, o: Partial<AnalyticsRecord> = {}): AnalyticsRecord => ({
  at,
  api_id: 'a',
  method: 'GET',
  path: '/',
  status: 200,
  upstream_ms: 1,
  total_ms: 2,
  bytes_in: 1,
  bytes_out: 3,
  auth_result: 'ok',
  ...o,
});

describe('WindowAggregator', () => {
  it('sums each dimension tuple of a window exactly, over random traffic', () => {
    const windows = new WindowAggregator(10_000, 0);
    const truth = new Map<string, number>();
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50_000; i++) {
      const r = rec(T0 + Math.floor(next() * 60_000), {
        api_id: `api-${Math.floor(next() * 3)}`,
        status: [200, 201, 404, 502][Math.floor(next() * 4)]!,
        identity: next() < 0.5 ? undefined : `id-${Math.floor(next() * 5)}`,
        oauth_client_id: next() < 0.8 ? undefined : 'c',
        version: next() < 0.5 ? undefined : 'v2',
        endpoint: next() < 0.6 ? undefined : ['GET /users/{id}', 'POST /users'][Math.floor(next() * 2)],
      });
      windows.add(r, false);
      const key = [r.at - (r.at % 10_000), r.api_id, r.status, r.identity, r.oauth_client_id, r.version, r.endpoint].join('|');
      truth.set(key, (truth.get(key) ?? 0) + 1);
    }
    expect(windows.pendingRequests).toBe(50_000);
    const early = windows.takeClosed(T0 + 30_000);
    expect(early.map((w) => w.start)).toEqual([T0, T0 + 10_000, T0 + 20_000]);
    const rest = windows.takeClosed(Number.POSITIVE_INFINITY);
    expect(rest.map((w) => w.start)).toEqual([T0 + 30_000, T0 + 40_000, T0 + 50_000]);
    expect(windows.pendingRequests).toBe(0);
    const counted = new Map<string, number>();
    for (const w of [...early, ...rest]) {
      for (const a of w.aggregates) counted.set([w.start, a.api_id, a.status, a.identity, a.oauth_client_id, a.version, a.endpoint].join('|'), a.count);
    }
    expect(counted).toEqual(truth);
  });

  it('keeps the totals, bytes and sketches of a tuple together', () => {
    const windows = new WindowAggregator(1_000, 10);
    windows.add(rec(T0 + 1, { total_ms: 5, upstream_ms: 4 }), false);
    windows.add(rec(T0 + 2, { total_ms: 50, upstream_ms: 40 }), true);
    const [window] = windows.takeClosed(Number.POSITIVE_INFINITY);
    expect(window).toMatchObject({ start: T0, ms: 1_000, requests: 2 });
    expect(window!.records.map((r) => r.at)).toEqual([T0 + 2]);
    const [aggregate] = window!.aggregates;
    expect(aggregate).toMatchObject({ api_id: 'a', status: 200, auth_result: 'ok', count: 2, bytes_in: 2, bytes_out: 6 });
    expect(LatencySketch.from(aggregate!.total_ms).quantile(1)).toBeCloseTo(50, -0.5);
    expect(LatencySketch.from(aggregate!.upstream_ms).count).toBe(2);
  });

  it('counts the tracked endpoint as a dimension of its own, and gives requests matching none no endpoint', () => {
    const windows = new WindowAggregator(1_000, 0);
    windows.add(rec(T0, { path: '/users/1', endpoint: 'GET /users/{id}' }), false);
    windows.add(rec(T0 + 1, { path: '/users/2', endpoint: 'GET /users/{id}' }), false);
    windows.add(rec(T0 + 2, { path: '/other' }), false);
    const [window] = windows.takeClosed(Number.POSITIVE_INFINITY);
    const byEndpoint = window!.aggregates.map((a) => [a.endpoint, a.count]);
    expect(byEndpoint).toEqual([
      ['GET /users/{id}', 2],
      [undefined, 1],
    ]);
    // No endpoint key at all on an aggregate without one: the batch and the rollups see "none", not "".
    expect('endpoint' in window!.aggregates[1]!).toBe(false);
  });

  it('refuses request logs beyond its bound, and counts the request anyway', () => {
    const windows = new WindowAggregator(1_000, 1);
    expect(windows.add(rec(T0), true)).toBe(true);
    expect(windows.add(rec(T0 + 1), true)).toBe(false);
    expect(windows.pendingRequests).toBe(2);
  });
});

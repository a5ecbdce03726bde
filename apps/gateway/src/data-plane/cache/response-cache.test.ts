import { describe, expect, it } from 'vitest';
import { MemoryResponseCache } from './response-cache.js';

const body = (size: number) => Buffer.alloc(size, 'x');

describe('MemoryResponseCache', () => {
  it('answers until the TTL passes, then misses', () => {
    let now = 1_000;
    const store = new MemoryResponseCache(10_000, () => now);
    store.set('a', 'k', 200, ['content-type', 'text/plain'], body(10), 5_000);
    expect(store.get('a', 'k')).toMatchObject({ status: 200, headers: ['content-type', 'text/plain', 'X-Tyk-Cached-Response', '1'] });
    now += 5_000;
    expect(store.get('a', 'k')).toBeNull();
    expect(store.bytes).toBe(0);
  });

  it('stays within its byte bound, evicting the least recently used first', () => {
    const store = new MemoryResponseCache(1_000);
    store.set('a', 'one', 200, [], body(300), 60_000);
    store.set('a', 'two', 200, [], body(300), 60_000);
    expect(store.get('a', 'one')).not.toBeNull();
    store.set('a', 'three', 200, [], body(300), 60_000);
    expect(store.bytes).toBeLessThanOrEqual(1_000);
    expect(store.get('a', 'two')).toBeNull();
    expect(store.get('a', 'one')).not.toBeNull();
    expect(store.get('a', 'three')).not.toBeNull();
    // An entry larger than the whole bound is not stored (and evicts nothing).
    store.set('a', 'huge', 200, [], body(2_000), 60_000);
    expect(store.get('a', 'huge')).toBeNull();
    expect(store.get('a', 'one')).not.toBeNull();
  });

  it("a purge drops one API's answers only", async () => {
    const store = new MemoryResponseCache(10_000);
    store.set('a', 'k1', 200, [], body(1), 60_000);
    store.set('a', 'k2', 200, [], body(1), 60_000);
    store.set('b', 'k3', 200, [], body(1), 60_000);
    expect(await store.purge('a')).toBe(2);
    expect(store.get('a', 'k1')).toBeNull();
    expect(store.get('b', 'k3')).not.toBeNull();
  });
});

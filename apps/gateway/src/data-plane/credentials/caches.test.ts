import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.js';
import { ConsumerNonces } from './nonces.js';
import { RevocationList } from './revocations.js';

describe('BoundedCache', () => {
  it('expires entries at their time and evicts the oldest insertion when full', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 200);
    expect(cache.get('a', 99)).toBe(1);
    expect(cache.get('a', 100)).toBeUndefined();
    cache.set('a', 1, 300);
    cache.set('c', 3, 300);
    expect(cache.get('b', 0)).toBeUndefined();
    expect([cache.get('a', 0), cache.get('c', 0), cache.size]).toEqual([1, 3, 2]);
    expect(cache.deleteWhere((v) => v === 3)).toBe(1);
    expect(cache.get('c', 0)).toBeUndefined();
  });
});

describe('RevocationList', () => {
  it('remembers revoked jtis until they expire, then prunes them', () => {
    let now = 1_000_000;
    const list = new RevocationList(() => now);
    list.add('old', now / 1000 + 10);
    expect(list.has('old')).toBe(true);
    now += 61_000;
    list.add('new', now / 1000 + 600);
    expect(list.has('old')).toBe(false);
    expect(list.has('new')).toBe(true);
    expect(list.size).toBe(1);
  });
});

describe('ConsumerNonces', () => {
  it('refuses a nonce again with its timestamp; when full, forgets the oldest timestamp and refuses at or before it', () => {
    const nonces = new ConsumerNonces(3);
    expect([nonces.remember(100, 'a'), nonces.remember(100, 'a'), nonces.remember(101, 'a')]).toEqual([true, false, true]);
    expect(nonces.remember(99, 'b')).toBe(true);
    // Over the bound: timestamp 99, the oldest, is forgotten, and nothing stamped 99 or before passes.
    expect(nonces.remember(102, 'c')).toBe(true);
    expect(nonces.size).toBe(3);
    expect([nonces.remember(99, 'b'), nonces.remember(98, 'z'), nonces.remember(100, 'a'), nonces.remember(103, 'd')]).toEqual([false, false, false, true]);
  });
});

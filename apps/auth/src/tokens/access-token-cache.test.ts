import { describe, expect, it } from 'vitest';
import type { AccessTokenRecord } from '../storage/access-token.entity.js';
import { ACCESS_TOKEN_CACHE_MAX_AGE_MS, AccessTokenCache, type CachedAccessToken } from './access-token-cache.js';

function found(jti: string, revokedAt: Date | null = null): CachedAccessToken {
  return { record: { jti, revokedAt } as AccessTokenRecord, claims: { jti } };
}

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('AccessTokenCache', () => {
  it('answers only the exact token it stored', () => {
    const cache = new AccessTokenCache();
    cache.set('token-a', found('a'), cache.epoch());
    expect(cache.get('token-a')?.record.jti).toBe('a');
    expect(cache.get('token-a ')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('never keeps a revoked token', () => {
    const cache = new AccessTokenCache();
    cache.set('token-a', found('a', new Date()), cache.epoch());
    expect(cache.get('token-a')).toBeUndefined();
  });

  it('forgets a token once it is revoked', () => {
    const cache = new AccessTokenCache();
    cache.set('token-a', found('a'), cache.epoch());
    cache.set('token-b', found('b'), cache.epoch());
    cache.forget('a');
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.get('token-b')?.record.jti).toBe('b');
  });

  it('does not store a lookup that started before a revocation (it may have read the row before the commit)', () => {
    const cache = new AccessTokenCache();
    const epoch = cache.epoch();
    cache.forget('a');
    cache.set('token-a', found('a'), epoch);
    expect(cache.get('token-a')).toBeUndefined();
    // One that starts afterwards is kept.
    cache.set('token-a', found('a'), cache.epoch());
    expect(cache.get('token-a')).toBeDefined();
  });

  it('trusts an answer for a bounded time only (a missed revocation event)', () => {
    const time = clock();
    const cache = new AccessTokenCache(time.now);
    cache.set('token-a', found('a'), cache.epoch());
    time.advance(ACCESS_TOKEN_CACHE_MAX_AGE_MS);
    expect(cache.get('token-a')).toBeDefined();
    time.advance(1);
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most its bound of tokens', () => {
    const cache = new AccessTokenCache(Date.now, 3);
    for (const jti of ['a', 'b', 'c', 'd', 'e']) cache.set(`token-${jti}`, found(jti), cache.epoch());
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(cache.get('token-e')).toBeDefined();
  });

  it('forgets everything when cleared, and a lookup in flight then stores nothing', () => {
    const cache = new AccessTokenCache();
    cache.set('token-a', found('a'), cache.epoch());
    const epoch = cache.epoch();
    cache.clear();
    cache.set('token-b', found('b'), epoch);
    expect(cache.size).toBe(0);
  });
});

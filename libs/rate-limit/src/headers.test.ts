import { describe, expect, it } from 'vitest';
import { appendQuotaHeaders, appendRateLimitHeaders, createQuotaResult } from './headers.js';
import { createResult } from './result.js';
import { compileRule, shareOf } from './rule.js';

const rule = compileRule(100, 60);

function asObject(raw: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i]!] = raw[i + 1]!;
  return headers;
}

describe('rate-limit headers', () => {
  it('describe an allowed request in X-RateLimit-* and the draft-11 IETF fields, without Retry-After', () => {
    const result = { ...createResult(), allowed: true, limit: 100, remaining: 42, resetMs: 34_200, retryAfterMs: 0 };
    const raw = ['content-type', 'application/json'];
    expect(appendRateLimitHeaders(raw, result, rule)).toBe(raw);
    expect(raw.slice(0, 2)).toEqual(['content-type', 'application/json']);
    expect(asObject(raw)).toEqual({
      'content-type': 'application/json',
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '42',
      'X-RateLimit-Reset': '35',
      'RateLimit-Policy': '"default";q=100;w=60',
      RateLimit: '"default";r=42;t=35',
    });
  });

  it('add Retry-After on refusal, equal to RateLimit t (never earlier, draft-11 §6)', () => {
    const result = { allowed: false, limit: 100, remaining: 0, resetMs: 60_000, retryAfterMs: 1 };
    const headers = asObject(appendRateLimitHeaders([], result, rule));
    expect(headers['Retry-After']).toBe('1');
    expect(headers.RateLimit).toBe('"default";r=0;t=1');
    expect(headers['X-RateLimit-Reset']).toBe('60');
  });

  it("state the client's whole limit when a gateway enforced its share", () => {
    const share = shareOf(rule, 3);
    const result = { allowed: true, limit: share.limit, remaining: 10, resetMs: 1_000, retryAfterMs: 0 };
    const headers = asObject(appendRateLimitHeaders([], result, rule));
    expect(headers['X-RateLimit-Limit']).toBe('100');
    expect(headers['RateLimit-Policy']).toBe('"default";q=100;w=60');
  });
});

describe('quota headers', () => {
  it('are X-Quota-* only, apart from the rate limit', () => {
    const headers = asObject(appendQuotaHeaders([], { allowed: true, limit: 1000, remaining: 999, resetMs: 3_600_000 }));
    expect(headers).toEqual({ 'X-Quota-Limit': '1000', 'X-Quota-Remaining': '999', 'X-Quota-Reset': '3600' });
  });

  it('add Retry-After until renewal when the quota is spent', () => {
    const headers = asObject(appendQuotaHeaders([], { allowed: false, limit: 10, remaining: 0, resetMs: 1_500 }));
    expect(headers['Retry-After']).toBe('2');
  });

  it('are absent for an identity without a quota', () => {
    expect(appendQuotaHeaders([], createQuotaResult())).toEqual([]);
  });
});

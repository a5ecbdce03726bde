import { describe, expect, it } from 'vitest';
import { CSRF_TTL_SECONDS, CsrfTokens, csrfCookie, readCookie } from './csrf.js';

describe('CsrfTokens', () => {
  const secret = 'an-admin-secret-of-enough-length';

  it('verifies a token when cookie and field carry the same one', () => {
    const tokens = new CsrfTokens(secret);
    const token = tokens.issue();
    expect(tokens.verify(token, token)).toBe(true);
  });

  it('refuses a missing half, or two different valid tokens', () => {
    const tokens = new CsrfTokens(secret);
    const token = tokens.issue();
    expect(tokens.verify(undefined, token)).toBe(false);
    expect(tokens.verify(token, undefined)).toBe(false);
    expect(tokens.verify(token, tokens.issue())).toBe(false);
  });

  it('refuses a matching pair that another key signed, or that was tampered with', () => {
    const ours = new CsrfTokens(secret);
    const theirs = new CsrfTokens('another-secret-of-enough-length!').issue();
    expect(ours.verify(theirs, theirs)).toBe(false);
    const token = ours.issue();
    const [nonce, issuedAt, mac] = token.split('.');
    const later = `${nonce}.${Number(issuedAt) + 1000}.${mac}`;
    expect(ours.verify(later, later)).toBe(false);
    expect(ours.verify('a.b', 'a.b')).toBe(false);
  });

  it('refuses a token once it is older than its lifetime', () => {
    let now = 1_700_000_000_000;
    const tokens = new CsrfTokens(secret, () => now);
    const token = tokens.issue();
    now += CSRF_TTL_SECONDS * 1000;
    expect(tokens.verify(token, token)).toBe(true);
    now += 1000;
    expect(tokens.verify(token, token)).toBe(false);
  });
});

describe('cookies', () => {
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; portcullis_authorize_csrf=x.y.z; b=2', 'portcullis_authorize_csrf')).toBe('x.y.z');
    expect(readCookie('a=1', 'portcullis_authorize_csrf')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });

  it('sets HttpOnly, SameSite=Lax, and Secure only over TLS', () => {
    expect(csrfCookie('t', false)).toBe(`portcullis_authorize_csrf=t; Path=/; Max-Age=${CSRF_TTL_SECONDS}; HttpOnly; SameSite=Lax`);
    expect(csrfCookie('t', true)).toMatch(/; Secure$/);
  });
});

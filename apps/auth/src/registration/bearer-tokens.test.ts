import { describe, expect, it } from 'vitest';
import { bearerToken, hashToken, newToken, tokenMatches } from './bearer-tokens.js';

describe('bearer tokens', () => {
  it('are 256-bit and distinct', () => {
    const token = newToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
  });

  it('match only their own hash', () => {
    const token = newToken();
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    expect(tokenMatches(newToken(), hashToken(token))).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
  });

  it('are read from an Authorization: Bearer header only', () => {
    expect(bearerToken('Bearer abc-_.~+/=')).toBe('abc-_.~+/=');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { resolveRedirectUri } from './redirect-uri.js';

describe('resolveRedirectUri', () => {
  const two = ['https://app.example/cb', 'https://app.example/other'];

  it('accepts an exact match', () => {
    expect(resolveRedirectUri(two, 'https://app.example/other')).toEqual({ ok: true, redirectUri: 'https://app.example/other' });
  });

  it.each([
    ['a trailing slash', 'https://app.example/cb/'],
    ['another case in the host', 'https://APP.example/cb'],
    ['an added query', 'https://app.example/cb?x=1'],
    ['an explicit default port', 'https://app.example:443/cb'],
    ['another scheme', 'http://app.example/cb'],
    ['a prefix of a registered one', 'https://app.example/c'],
    ['a registered one with a path appended', 'https://app.example/cb/evil'],
  ])('refuses %s (no normalisation, no prefix matching)', (_label, requested) => {
    expect(resolveRedirectUri(two, requested).ok).toBe(false);
  });

  it('lets a client with exactly one registered URI omit it', () => {
    expect(resolveRedirectUri(['https://app.example/cb'], undefined)).toEqual({ ok: true, redirectUri: 'https://app.example/cb' });
  });

  it('requires it from a client with several, and refuses one with none', () => {
    expect(resolveRedirectUri(two, undefined).ok).toBe(false);
    expect(resolveRedirectUri([], undefined).ok).toBe(false);
    expect(resolveRedirectUri([], 'https://app.example/cb').ok).toBe(false);
  });
});

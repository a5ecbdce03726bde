import { describe, expect, it } from 'vitest';
import { normaliseRequestPath } from './request-path.js';

describe('normaliseRequestPath', () => {
  it('returns ordinary paths untouched (the same string)', () => {
    const path = '/orders/42/lines';
    expect(normaliseRequestPath(path)).toBe(path);
    expect(normaliseRequestPath('/a.b/c..d/.well-known')).toBe('/a.b/c..d/.well-known');
    expect(normaliseRequestPath('/search/caf%C3%A9')).toBe('/search/caf%C3%A9');
  });

  it.each([
    ['/public/../admin', '/admin'],
    ['/public/./x', '/public/x'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/public/%2e%2e/admin', '/admin'],
    ['/public/%2E./admin', '/admin'],
    ['/a/../../b', null],
    ['/..', null],
    ['/public/..%2Fadmin', null],
    ['/public/..%5cadmin', null],
    ['/public/%2e%2e%2fadmin', null],
    // Escapes that are not UTF-8: an overlong `..` (once read as such by IIS), a lone surrogate, a stray byte.
    ['/public/%C0%AE%C0%AE/admin', null],
    ['/public/a%C0%AFb', null],
    ['/public/%ED%A0%80', null],
    ['/public/%FF', null],
  ])('%s → %s', (input, expected) => {
    expect(normaliseRequestPath(input)).toBe(expected);
  });

  it('keeps an encoded slash that hides no dot segment (ids like group%2Fproject)', () => {
    expect(normaliseRequestPath('/projects/group%2Fproject/issues')).toBe('/projects/group%2Fproject/issues');
  });
  it('refuses an encoded NUL anywhere in the path', () => {
    for (const path of ['/a%00b', '/a/%00', '/%00/../x']) expect(normaliseRequestPath(path), path).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { PortalCsrf } from './portal-csrf.js';
import { safeNext } from './safe-next.js';

describe('PortalCsrf', () => {
  const csrf = new PortalCsrf('the admin secret');

  it('accepts the token for the same binding only', () => {
    const token = csrf.tokenFor('session:abc');
    expect(csrf.verify('session:abc', token)).toBe(true);
    expect(csrf.verify('session:abd', token)).toBe(false);
    expect(csrf.verify('anonymous:abc', token)).toBe(false);
  });

  it('refuses missing, altered and foreign tokens', () => {
    const token = csrf.tokenFor('session:abc');
    expect(csrf.verify('session:abc', undefined)).toBe(false);
    expect(csrf.verify('session:abc', '')).toBe(false);
    expect(csrf.verify('session:abc', ['x'])).toBe(false);
    expect(csrf.verify('session:abc', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(csrf.verify('session:abc', new PortalCsrf('another secret').tokenFor('session:abc'))).toBe(false);
  });
});

describe('safeNext', () => {
  it('keeps portal paths', () => {
    expect(safeNext('/portal/apps/new?entry=5f0c')).toBe('/portal/apps/new?entry=5f0c');
    expect(safeNext('/portal')).toBe('/portal');
  });

  it('refuses anything that leaves the portal', () => {
    for (const next of [
      'https://evil.example',
      '//evil.example',
      '/portal//evil.example',
      '/\\evil.example',
      '/portal\\..\\x',
      '/portalx',
      '/admin/apis',
      'javascript:alert(1)',
      42,
      undefined,
    ]) {
      expect(safeNext(next)).toBe('/portal/apps');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.js';

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

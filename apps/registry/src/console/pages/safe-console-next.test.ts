import { describe, expect, it } from 'vitest';
import { safeConsoleNext } from './safe-console-next.js';

describe('safeConsoleNext', () => {
  it('keeps console paths', () => {
    expect(safeConsoleNext('/console/traffic?api_id=orders&range=7d')).toBe('/console/traffic?api_id=orders&range=7d');
    expect(safeConsoleNext('/console')).toBe('/console');
  });

  it('refuses anything that leaves the console', () => {
    for (const next of [
      'https://evil.example',
      '//evil.example',
      '/console//evil.example',
      '/\\evil.example',
      '/consolex',
      '/portal/apps',
      '/admin/apis',
      'javascript:alert(1)',
      42,
      undefined,
    ]) {
      expect(safeConsoleNext(next)).toBe('/console');
    }
  });
});

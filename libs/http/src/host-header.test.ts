import { describe, expect, it } from 'vitest';
import { isHostName, repeatsHost } from './host-header.js';

describe('Host header', () => {
  it('recognises Host in any case, and nothing else of four letters', () => {
    for (const name of ['Host', 'host', 'HOST', 'hOsT']) expect(isHostName(name), name).toBe(true);
    for (const name of ['Date', 'From', 'Hosts', 'hos', 'Hust', 'X-Host']) expect(isHostName(name), name).toBe(false);
  });

  it('finds a second Host line whatever its case or place, and passes one or none', () => {
    expect(repeatsHost(['Host', 'a', 'Accept', '*/*'])).toBe(false);
    expect(repeatsHost(['Accept', '*/*'])).toBe(false);
    expect(repeatsHost([])).toBe(false);
    expect(repeatsHost(['Host', 'a', 'Accept', '*/*', 'host', 'b'])).toBe(true);
    expect(repeatsHost(['HOST', 'a', 'Host', 'a'])).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { secretsMatch } from './secrets.js';

describe('secretsMatch', () => {
  const expected = 'a-long-admin-secret-value';
  it('accepts only the exact secret', () => {
    expect(secretsMatch(expected, expected)).toBe(true);
    expect(secretsMatch(expected + 'x', expected)).toBe(false);
    expect(secretsMatch(expected.slice(0, -1), expected)).toBe(false);
    expect(secretsMatch(expected.toUpperCase(), expected)).toBe(false);
  });
  it('refuses missing and empty secrets', () => {
    expect(secretsMatch(undefined, expected)).toBe(false);
    expect(secretsMatch(null, expected)).toBe(false);
    expect(secretsMatch('', expected)).toBe(false);
  });
});

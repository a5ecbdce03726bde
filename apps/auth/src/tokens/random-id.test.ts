import { describe, expect, it } from 'vitest';
import { randomTokenId } from './random-id.js';

describe('randomTokenId', () => {
  it('gives 128-bit base64url ids, all different, across several refills of the pool', () => {
    const ids = Array.from({ length: 2_000 }, () => randomTokenId());
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id) && Buffer.from(id, 'base64url').length === 16)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 in hex: how a high-entropy secret (a generated key, token or session id) is kept at rest and looked up. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Compares a presented secret with the expected one in constant time. Both sides are hashed first
 * so the comparison has a fixed length and reveals nothing about the expected secret's length.
 */
export function secretsMatch(presented: string | undefined | null, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

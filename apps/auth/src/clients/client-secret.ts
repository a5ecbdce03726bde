import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: shown once, stored only as its SHA-256. */
export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A client_id when the caller chose none: 128 random bits as 32 hex digits. */
export function newClientId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * A fast hash is right here: secrets are 256-bit random (or at least 32 chosen characters), so
 * there is nothing to brute-force that a slow hash would protect.
 */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

const decoy = hashSecret('portcullis: no such client');

/**
 * Constant-time check of a presented secret against a stored hash. With no stored hash (unknown
 * client, public client) it still hashes and compares, so timing does not tell the cases apart.
 */
export function secretMatches(presented: string, storedHash: Buffer | null): boolean {
  const presentedHash = hashSecret(presented);
  const expected = storedHash && storedHash.length === presentedHash.length ? storedHash : decoy;
  return timingSafeEqual(presentedHash, expected) && expected !== decoy;
}

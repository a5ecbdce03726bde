import { randomBytes } from 'node:crypto';

/**
 * Opaque access tokens: 256 random bits, base64url, after a prefix that makes a leaked one easy to
 * recognise (secret scanners, logs) and cheap to tell from a JWT or a refresh token before any
 * database lookup. The token is a secret: only its SHA-256 is stored.
 */
export const OPAQUE_TOKEN_PREFIX = 'pcat_';
const RANDOM_BYTES = 32;
const shape = new RegExp(`^${OPAQUE_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

export function newOpaqueToken(): string {
  // randomBytes, not the jti pool: this value is the credential itself.
  return OPAQUE_TOKEN_PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
}

/** Whether a presented string can be one of our opaque access tokens at all. */
export function isOpaqueTokenShape(token: string): boolean {
  return token.length === OPAQUE_TOKEN_PREFIX.length + 43 && shape.test(token);
}

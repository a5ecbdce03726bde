/**
 * The shape of the auth service's opaque access tokens: a prefix that makes a leaked one easy to
 * recognise (secret scanners, logs), then 256 random bits in base64url. Both ends know it: the auth
 * service issues it, and a gateway asks about nothing else, so junk tokens cost no bus round trip
 * and cannot crowd real ones out of its cache.
 */
export const OPAQUE_ACCESS_TOKEN_PREFIX = 'pcat_';

const shape = new RegExp(`^${OPAQUE_ACCESS_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

/** Whether a presented string can be one of the auth service's opaque access tokens at all. */
export function isOpaqueAccessTokenShape(token: string): boolean {
  return token.length === OPAQUE_ACCESS_TOKEN_PREFIX.length + 43 && shape.test(token);
}

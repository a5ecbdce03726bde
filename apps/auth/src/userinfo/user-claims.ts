import type { UserRecord } from '../storage/user.entity.js';

/**
 * OIDC Core §5.4: the claims each scope asks for, as far as a user here holds them. A user has a
 * username and nothing else (no e-mail address, no display name), so `profile` is `preferred_username`
 * and `name` (the username as well), and `email` adds nothing.
 */
export function userClaims(user: UserRecord, scopes: ReadonlySet<string>): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (scopes.has('profile')) {
    claims.preferred_username = user.username;
    claims.name = user.username;
    claims.updated_at = Math.floor(user.createdAt.getTime() / 1000);
  }
  return claims;
}

/** What the userinfo endpoint can answer, for discovery's claims_supported. */
export const supportedClaims = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'amr', 'name', 'preferred_username', 'updated_at'];

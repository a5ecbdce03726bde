import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { signCompactEs256 } from '../keys/compact-jws.js';

/** What the token endpoint knows about the sign-in behind an `openid` grant (OIDC Core §2). */
export interface OpenIdContext {
  /** The authorization request's nonce, echoed exactly; never on a refresh (OIDC Core §12.2). */
  nonce?: string;
  /** When the user signed in; null when nobody signed in here (a code approved over the bus). */
  authTime: Date | null;
}

export interface IdTokenInput extends OpenIdContext {
  issuer: string;
  sub: string;
  clientId: string;
  /** The access token issued beside it, for `at_hash`. */
  accessToken: string;
  now: number;
  lifetimeSeconds: number;
}

/**
 * OIDC Core §3.1.3.6: the left-most half of the hash of the access token's ASCII octets, with the hash
 * of the ID Token's alg (SHA-256 for ES256 and RS256), base64url. It binds the access token to this ID Token.
 */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** The ID Token's claims (OIDC Core §2). `azp` is left out: `aud` is always the one client. */
export function idTokenClaims(input: IdTokenInput): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.sub,
    aud: input.clientId,
    exp: input.now + input.lifetimeSeconds,
    iat: input.now,
  };
  if (input.authTime !== null) {
    claims.auth_time = Math.floor(input.authTime.getTime() / 1000);
    // A sign-in here is always the login form's username and password (RFC 8176 §2).
    claims.amr = ['pwd'];
  }
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  claims.at_hash = atHash(input.accessToken);
  return claims;
}

/** The protected header of an ID Token: a plain JWT (`typ` is not at+jwt, so it cannot pass as an access token). */
export function idTokenHeader(kid: string): string {
  return Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid })).toString('base64url');
}

export function signIdToken(input: IdTokenInput, kid: string, key: KeyObject): string {
  return signCompactEs256(idTokenHeader(kid), idTokenClaims(input), key);
}

import { createHash } from 'node:crypto';
import type { RequestedClaims } from '../claims/claims-request.js';
import { signCompact } from '../keys/compact-jws.js';
import type { ActiveKey } from '../keys/signing-keys.service.js';

/**
 * The `acr` of a sign-in at this service's login form, the only way to sign in here: a username and
 * a password, one factor. Our own URI (OIDC Core §2 lets an OP define its values), published as
 * discovery's acr_values_supported, so an RP can tell it from a stronger method added later.
 */
export const PASSWORD_ACR = 'urn:portcullis:acr:password';

/** What the token endpoint knows about the sign-in behind an `openid` grant (OIDC Core §2). */
export interface OpenIdContext {
  /** The authorization request's nonce, echoed exactly; never on a refresh (OIDC Core §12.2). */
  nonce?: string;
  /** When the user signed in; null when nobody signed in here (a code approved over the bus). */
  authTime: Date | null;
  /** The claims the authorization request asked for by name (OIDC Core §5.5); null without any. */
  claims?: RequestedClaims | null;
}

export interface IdTokenInput extends OpenIdContext {
  issuer: string;
  sub: string;
  clientId: string;
  /** The access token issued beside it, for `at_hash`. */
  accessToken: string;
  now: number;
  lifetimeSeconds: number;
  /** The user's claims the `claims` parameter asked to have in the ID Token, as the user holds them. */
  userClaims?: Record<string, unknown>;
}

/**
 * OIDC Core §3.1.3.6: the left-most half of the hash of the access token's ASCII octets, with the hash
 * of the ID Token's alg (SHA-256 for ES256 and RS256), base64url. It binds the access token to this ID Token.
 */
export function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * The ID Token's claims (OIDC Core §2). `azp` is left out: `aud` is always the one client, the
 * authorized party itself (§2 requires azp only beside several audiences). The user's claims come
 * only when asked for by name: in the code flow the scopes' claims are userinfo's (§5.4).
 */
export function idTokenClaims(input: IdTokenInput): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...input.userClaims };
  claims.iss = input.issuer;
  claims.sub = input.sub;
  claims.aud = input.clientId;
  claims.exp = input.now + input.lifetimeSeconds;
  claims.iat = input.now;
  if (input.authTime !== null) {
    claims.auth_time = Math.floor(input.authTime.getTime() / 1000);
    // A sign-in here is always the login form's username and password (RFC 8176 §2).
    claims.amr = ['pwd'];
    claims.acr = PASSWORD_ACR;
  }
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  claims.at_hash = atHash(input.accessToken);
  return claims;
}

/** Signed with the key given: the client's `id_token_signed_response_alg` chose it. */
export function signIdToken(input: IdTokenInput, signing: Pick<ActiveKey, 'idTokenHeader' | 'key'>): string {
  return signCompact(signing.idTokenHeader, idTokenClaims(input), signing.key);
}

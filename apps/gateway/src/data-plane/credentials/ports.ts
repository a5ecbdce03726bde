import type {
  Jwks,
  KeyLookupReply,
  KeyLookupRequest,
  OAuth1NonceClaimReply,
  OAuth1NonceClaimRequest,
  TokenIntrospection,
  TokenIntrospectionRequest,
} from '@portcullis/contracts';

/**
 * What the auth modes reach outside the process for, and the clock they read. The gateway module
 * wires these to the bus and to HTTP; tests pass their own. Times are milliseconds since the epoch.
 */
export interface CredentialPorts {
  /** `auth.keys.lookup`: resolves a key, basic, HMAC or OAuth 1.0a credential to its session. */
  lookup(request: KeyLookupRequest): Promise<KeyLookupReply>;
  /** `auth.jwks`: the auth service's public keys, for OAuth 2.0 access tokens. */
  authJwks(): Promise<Jwks>;
  /** `auth.tokens.introspect`: what an opaque OAuth 2.0 access token grants. */
  introspect(request: TokenIntrospectionRequest): Promise<TokenIntrospection>;
  /** `auth.oauth1.nonces.claim`: spends an OAuth 1.0a nonce for every gateway at once. */
  claimNonce(request: OAuth1NonceClaimRequest): Promise<OAuth1NonceClaimReply>;
  /** GET of an external provider's JSON document (JWKS, OpenID discovery), bounded in time and size. */
  fetchJson(url: string): Promise<unknown>;
  now(): number;
}

/** How long things are remembered; the defaults suit production, tests shorten them. */
export interface CredentialTimings {
  /** A found key's session (dropped sooner on `auth.key.changed`). */
  sessionTtlMs: number;
  /** A key that was not found: short, so a key created a moment ago works soon. */
  negativeTtlMs: number;
  /** A verified basic-auth username and password (only their SHA-256 is kept). */
  basicTtlMs: number;
  /** An active opaque access token's introspection (never past its `exp`; dropped at once on revocation). */
  introspectionTtlMs: number;
  /**
   * JWKS fetches of one issuer prompted by unknown `kid`s: up to `jwksRefetchBurst` at once, then
   * one more per `jwksMinRefetchMs`.
   */
  jwksMinRefetchMs: number;
  jwksRefetchBurst: number;
  /** After this, known JWKS are refreshed in the background (keys a provider withdrew go away). */
  jwksMaxAgeMs: number;
  /** How long a lookup may take before the request gets a 503. */
  lookupTimeoutMs: number;
}

export const defaultTimings: CredentialTimings = Object.freeze({
  sessionTtlMs: 60_000,
  negativeTtlMs: 5_000,
  basicTtlMs: 60_000,
  introspectionTtlMs: 30_000,
  jwksMinRefetchMs: 10_000,
  jwksRefetchBurst: 3,
  jwksMaxAgeMs: 600_000,
  lookupTimeoutMs: 5_000,
});

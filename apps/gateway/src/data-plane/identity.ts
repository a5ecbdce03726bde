import type { ApiLimit, AuthMode } from '@portcullis/domain';

export type { AuthMode };

/**
 * Who a request is, once `authenticate` has established it: what the later steps (authorise,
 * rate limit, quota, record) key on. One shape for every auth mode, so those steps never ask how
 * the caller authenticated.
 */
export interface Identity {
  readonly mode: AuthMode;
  /**
   * Stable and never a credential: the key's SHA-256 for keys, a hash of issuer and subject for
   * tokens. Limits, quotas and analytics count against it.
   */
  readonly id: string;
  /** The OAuth client behind a token, for analytics and per-client limits. */
  readonly oauthClientId: string | null;
  /** Seconds since the epoch after which the credential is no longer valid (0: never). */
  readonly expiresAt: number;
  /**
   * The effective rights and limits (the session's own, or its policies' combined as Tyk combines
   * them), compiled once per session/policy version and shared by every request that carries it.
   */
  readonly rights: CompiledRights;
  /** The session's `meta_data` (keys, basic, HMAC, OAuth 1.0a): Tyk's `$tyk_meta.*` in header transforms. */
  readonly meta?: Readonly<Record<string, unknown>>;
  /** A JWT's verified claims: Tyk's `$tyk_context.jwt_claims_*`. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Effective access rights and limits, in a form the per-request steps only look things up in. */
export interface CompiledRights {
  readonly active: boolean;
  /** requests per `per` seconds; rate <= 0 means no rate limit. */
  readonly rate: number;
  readonly per: number;
  /** -1 means no quota. */
  readonly quotaMax: number;
  readonly quotaRenewalRate: number;
  /** No entry for an API: no access to it. An entry with no allowed URLs: the whole API. */
  readonly accessRights: ReadonlyMap<string, CompiledAccessRight>;
  readonly policyIds: readonly string[];
  /**
   * Why the credential is inactive, when its holder may be told: a policy it names was deleted
   * ("Policy 'x' no longer exists"). Null otherwise (inactive by choice, or active).
   */
  readonly inactiveBecause: string | null;
}

export interface CompiledAccessRight {
  readonly allowedUrls: readonly { readonly pattern: RegExp; readonly methods: ReadonlySet<string> }[];
  readonly versions: readonly string[];
  /** Tyk's per-API limit: this API is held to it, with counters of its own; null: the key-wide limits. */
  readonly limit: ApiLimit | null;
}

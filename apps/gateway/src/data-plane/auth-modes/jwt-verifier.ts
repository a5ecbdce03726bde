import { createHash, type KeyObject } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import { BoundedCache } from '../credentials/bounded-cache.js';
import { bindingKey } from '../credentials/client-bindings.js';
import type { Credentials } from '../credentials/credentials.js';
import type { JwksSource } from '../credentials/jwks-source.js';
import type { PolicyTable } from '../credentials/rights.js';
import type { AuthMode, Identity } from '../identity.js';

/** One source of keys a token may be signed with, and what its tokens must say. */
export interface Trust {
  /** Required `iss`; null: not checked (an inline key or bare JWKS URL, as Tyk has it). */
  issuer: string | null;
  readonly audiences: readonly string[] | null;
  /** Pinned: the token's `alg` must be one of these (never `none`; HS only with an inline secret). */
  readonly algorithms: ReadonlySet<string>;
  /** An inline key, or null when keys come from a JWKS. */
  readonly key: KeyObject | null;
  /** The JWKS (null for inline keys); resolved lazily for OpenID discovery. */
  jwks: JwksSource | null;
  /** For discovery: resolves issuer and JWKS once; null when there is nothing to wait for. */
  ready: (() => Promise<void>) | null;
}

export interface VerifierOptions {
  readonly mode: AuthMode;
  readonly trusts: readonly Trust[];
  /** Seconds of leeway on each time claim (Tyk's per-claim `jwt_*_validation_skew`). */
  readonly skews: ClaimSkews;
  /** RFC 9068 §4: `at+jwt` for our own access tokens. */
  readonly typ: string | null;
  /** Accept tokens without a `kid` by trying every key of the source (Tyk's `jwt_skip_kid`). */
  readonly skipKid: boolean;
  /** The claims that name the caller and their policies. */
  readonly identityClaim: string;
  readonly policies: (claims: JWTPayload) => readonly string[];
  /**
   * jwt mode: a token whose claims name no policy takes those its client is bound to by the developer
   * portal (by `iss` and `client_id`), looked up again whenever its identity is rebuilt, else these
   * defaults (Tyk's `jwt_default_policies`). Absent: the claims' policies are all there is.
   */
  readonly unclaimed?: { readonly defaults: readonly string[] };
  readonly maxCachedTokens: number;
}

/** A verified token as cached: what builds its identity again when the policy table changes. */
interface VerifiedToken {
  readonly id: string;
  readonly jti: string | null;
  readonly oauthClientId: string | null;
  readonly expiresAt: number;
  /** The claims' policies, or the defaults when a binding may apply (bindingKey) and is absent. */
  readonly policyIds: readonly string[];
  /** Where the token's policies come from instead, while its client is bound; null: from its claims. */
  readonly bindingKey: string | null;
  /** The verified claims, for `$tyk_context.jwt_claims_*` in header transforms. */
  readonly claims: JWTPayload;
  identity: Identity | null;
  identityPolicies: PolicyTable | null;
}

export interface ClaimSkews {
  /** A token is accepted until `exp` + this. */
  readonly exp: number;
  /** ... from `nbf` - this. */
  readonly nbf: number;
  /** ... and only once `iat` - this has passed: a token issued in the future is refused. */
  readonly iat: number;
}

export type Verification = { ok: true; token: VerifiedToken } | { ok: false };
const REFUSED: Verification = Object.freeze({ ok: false });
const compact = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 16_384;

/**
 * The longest a verified token is remembered, whatever its `exp` says (a trusted issuer may sign
 * `exp: 1e300`). Past this the signature is checked again against the keys held then, so a key the
 * provider withdrew (or an issuer's key set replaced after a compromise) stops admitting its tokens
 * within this plus the JWKS refresh age, instead of for as long as the token claims to live.
 */
export const MAX_VERIFIED_CACHE_MS = 5 * 60_000;

/**
 * Verifies JWTs for one API with jose, keys pinned per trust, and remembers verified tokens by their
 * exact string until `exp` (at most MAX_VERIFIED_CACHE_MS; the cache is bounded in size too), so a repeated token costs one Map lookup, not a signature check.
 * The revocation denylist is consulted on every hit.
 */
export class JwtVerifier {
  private readonly verified: BoundedCache<VerifiedToken>;
  private readonly byIssuer = new Map<string, Trust>();
  private readonly anyIssuer: Trust | null;
  private readonly widestSkew: number;

  constructor(
    private readonly options: VerifierOptions,
    private readonly credentials: Credentials,
    private readonly clock: () => number,
  ) {
    this.verified = new BoundedCache(options.maxCachedTokens);
    let anyIssuer: Trust | null = null;
    for (const trust of options.trusts) {
      if (trust.issuer === null || trust.ready !== null) anyIssuer ??= trust;
      if (trust.issuer !== null) this.byIssuer.set(trust.issuer, trust);
    }
    this.anyIssuer = anyIssuer;
    const { exp, nbf, iat } = options.skews;
    this.widestSkew = Math.max(exp, nbf, iat);
  }

  /** A verified, unrevoked token's cached entry, or undefined (not cached, or no longer usable). */
  cached(token: string): VerifiedToken | undefined {
    const hit = this.verified.get(token, this.clock());
    if (hit === undefined) return undefined;
    if (hit.jti !== null && this.credentials.revocations.has(hit.jti)) return undefined;
    return hit;
  }

  /**
   * The token's identity, rebuilt only when the policy table changed since (the store also replaces
   * it when a client binding changes). Null for a token that takes its policies from a binding that
   * is gone, with no defaults to fall back to: the portal app holding the client was deleted, and
   * its tokens are refused like revoked ones, cached or not.
   */
  identityOf(token: VerifiedToken): Identity | null {
    const policies = this.credentials.policies();
    if (token.identity === null || token.identityPolicies !== policies) {
      let ids = token.policyIds;
      if (token.bindingKey !== null) {
        const binding = this.credentials.bindings().get(token.bindingKey);
        if (binding !== undefined) ids = binding.policy_ids;
        else if (ids.length === 0) return null;
      }
      token.identity = Object.freeze({
        mode: this.options.mode,
        id: token.id,
        oauthClientId: token.oauthClientId,
        expiresAt: token.expiresAt,
        rights: this.credentials.rights.forPolicies(ids, policies),
        meta: undefined,
        claims: token.claims,
      });
      token.identityPolicies = policies;
    }
    return token.identity;
  }

  /** Full verification; never rejects (a provider that is down means the token is not verified). */
  async verify(token: string): Promise<Verification> {
    if (token.length > MAX_TOKEN_LENGTH || !compact.test(token)) return REFUSED;
    const dot = token.indexOf('.');
    const header = decodeSegment(token.slice(0, dot));
    const claims = decodeSegment(token.slice(dot + 1, token.indexOf('.', dot + 1)));
    if (header === null || claims === null || typeof header.alg !== 'string') return REFUSED;
    const trust = typeof claims.iss === 'string' ? (this.byIssuer.get(claims.iss) ?? this.anyIssuer) : this.anyIssuer;
    if (trust === null) return REFUSED;
    try {
      if (trust.ready !== null) await trust.ready();
      // Pinned before any key is touched: `none`, or HS with a public key, never gets that far.
      if (!trust.algorithms.has(header.alg)) return REFUSED;
      const keys = await this.keysFor(trust, typeof header.kid === 'string' ? header.kid : null);
      for (const key of keys) {
        const payload = await this.check(token, key, trust);
        if (payload !== null) return this.remember(token, payload);
      }
      return REFUSED;
    } catch {
      return REFUSED;
    }
  }

  private async keysFor(trust: Trust, kid: string | null): Promise<readonly KeyObject[]> {
    if (trust.key !== null) return [trust.key];
    const jwks = trust.jwks!;
    if (kid !== null) {
      const key = jwks.known(kid) ?? (await jwks.resolve(kid));
      return key === undefined ? [] : [key];
    }
    let candidates = jwks.candidates();
    if (candidates.length === 0) {
      await jwks.refresh(false);
      candidates = jwks.candidates();
    }
    // Without a kid only a one-key set is unambiguous, unless the API says to try them all.
    if (candidates.length === 1 || this.options.skipKid) return candidates.slice(0, 8).map((c) => c.key);
    return [];
  }

  private async check(token: string, key: KeyObject, trust: Trust): Promise<JWTPayload | null> {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [...trust.algorithms],
        ...(trust.issuer !== null ? { issuer: trust.issuer } : {}),
        ...(trust.audiences !== null ? { audience: [...trust.audiences] } : {}),
        ...(this.options.typ !== null ? { typ: this.options.typ } : {}),
        requiredClaims: ['exp'],
        // jose has one leeway for every claim: the widest, so it never refuses what the per-claim
        // check below accepts; that check is the one that decides.
        clockTolerance: this.widestSkew,
        currentDate: new Date(this.clock()),
      });
      return withinTime(payload, this.clock() / 1000, this.options.skews) ? payload : null;
    } catch {
      return null;
    }
  }

  private remember(token: string, claims: JWTPayload): Verification {
    const jti = typeof claims.jti === 'string' ? claims.jti : null;
    if (jti !== null && this.credentials.revocations.has(jti)) return REFUSED;
    const subject = claims[this.options.identityClaim] ?? claims.sub;
    if (typeof subject !== 'string' && typeof subject !== 'number') return REFUSED;
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : typeof claims.azp === 'string' ? claims.azp : null;
    const claimed = this.options.policies(claims);
    const unclaimed = this.options.unclaimed;
    const bound = unclaimed !== undefined && claimed.length === 0 && typeof claims.iss === 'string' && clientId !== null;
    const verified: VerifiedToken = {
      id: createHash('sha256')
        .update(`${claims.iss ?? ''}\n${String(subject)}`)
        .digest('hex'),
      jti,
      oauthClientId: clientId,
      // With the leeway verification allowed: authorise must not call a token expired that we accepted.
      expiresAt: claims.exp! + this.options.skews.exp,
      policyIds: Object.freeze([...(unclaimed !== undefined && claimed.length === 0 ? unclaimed.defaults : claimed)]),
      bindingKey: bound ? bindingKey(claims.iss!, clientId!) : null,
      claims,
      identity: null,
      identityPolicies: null,
    };
    // exp is finite (withinTime), but may lie centuries ahead: the cache keeps the token no longer than the cap.
    const now = this.clock();
    this.verified.set(token, verified, Math.min(claims.exp! * 1000, now + MAX_VERIFIED_CACHE_MS));
    return { ok: true, token: verified };
  }
}

/**
 * RFC 7519 §4.1.4-6, each claim with its own leeway (Tyk's `jwt_*_validation_skew`): expired, not
 * yet valid, or issued in the future. A time that is not a finite number (`1e400` parses as
 * Infinity) is malformed: no expiry or cache arithmetic ever sees it.
 */
export function withinTime(claims: JWTPayload, nowSeconds: number, skews: ClaimSkews): boolean {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp + skews.exp <= nowSeconds) return false;
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf) || nbf - skews.nbf > nowSeconds)) return false;
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat) || iat - skews.iat > nowSeconds)) return false;
  return true;
}

function decodeSegment(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A claim that is a string or an array of strings, as a list (space-separated for scope-like claims). */
export function claimList(value: unknown, spaceSeparated: boolean): string[] {
  if (typeof value === 'string') return spaceSeparated ? value.split(' ').filter((s) => s !== '') : value === '' ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

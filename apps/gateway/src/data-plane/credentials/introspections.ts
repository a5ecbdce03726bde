import { isOpaqueAccessTokenShape, type TokenIntrospection } from '@portcullis/contracts';
import { createHash } from 'node:crypto';
import type { Identity } from '../identity.js';
import { BoundedCache } from './bounded-cache.js';
import { Coalescer } from './coalescer.js';
import type { CredentialTimings } from './ports.js';
import type { RevocationList } from './revocations.js';
import type { PolicyTable, RightsCompiler } from './rights.js';

/** What the auth service said about one opaque access token, as cached on this gateway. */
export interface IntrospectedToken {
  readonly active: boolean;
  /** SHA-256 of issuer and subject (hex), as for the auth service's JWTs: limits count the same caller once. */
  readonly id: string;
  readonly jti: string | null;
  readonly oauthClientId: string | null;
  /** The APIs the token may call (`aud`). */
  readonly audiences: readonly string[];
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  readonly policyIds: readonly string[];
  /** The identity last built from this entry, and the policy table it was built against. */
  identity: Identity | null;
  identityPolicies: PolicyTable | null;
}

const INACTIVE: IntrospectedToken = Object.freeze({
  active: false,
  id: '',
  jti: null,
  oauthClientId: null,
  audiences: [],
  expiresAt: 0,
  policyIds: [],
  identity: null,
  identityPolicies: null,
});

const MAX_ENTRIES = 100_000;

export type Introspect = (token: string) => Promise<TokenIntrospection>;

/**
 * Opaque OAuth 2.0 access tokens, checked by asking the auth service (`auth.tokens.introspect`) and
 * remembered briefly: an active answer for `introspectionTtlMs` and never past the token's `exp`,
 * an inactive one for `negativeTtlMs` (a flood of a wrong token is not a flood of lookups). One
 * lookup per token at a time, however many requests wait for it. A revoked token is refused at
 * once: every hit is checked against the `auth.token.revoked` denylist, as for JWTs.
 */
export class TokenIntrospections {
  private readonly cache = new BoundedCache<IntrospectedToken>(MAX_ENTRIES);
  private readonly inFlight = new Coalescer<IntrospectedToken>();

  constructor(
    private readonly introspect: Introspect,
    private readonly now: () => number,
    private readonly timings: CredentialTimings,
    private readonly revocations: RevocationList,
    private readonly rights: RightsCompiler,
    private readonly policies: () => PolicyTable,
    private readonly onInvalid: (message: string) => void = () => undefined,
  ) {}

  /** Whether a presented string can be one of the auth service's opaque tokens at all; if not, it is refused without a lookup. */
  static plausible(token: string): boolean {
    return isOpaqueAccessTokenShape(token);
  }

  /** The cached answer (inactive once its jti is revoked), or undefined when the auth service must be asked. */
  cached(token: string): IntrospectedToken | undefined {
    const entry = this.cache.get(token, this.now());
    if (entry === undefined || !entry.active) return entry;
    if (entry.jti !== null && this.revocations.has(entry.jti)) {
      this.cache.set(token, INACTIVE, entry.expiresAt * 1000);
      return INACTIVE;
    }
    return entry;
  }

  /** Asks the auth service (once per token at a time); rejects when it cannot be reached (a 503, not a 401). */
  fetch(token: string): Promise<IntrospectedToken> {
    return this.inFlight.run(token, async () => {
      const entry = this.entryOf(await this.introspect(token));
      const now = this.now();
      // An answer already stale by this gateway's clock serves nobody: it is refused, not cached.
      if (entry.active && entry.expiresAt * 1000 <= now) return INACTIVE;
      const until = entry.active ? Math.min(now + this.timings.introspectionTtlMs, entry.expiresAt * 1000) : now + this.timings.negativeTtlMs;
      // A lifetime of 0 turns the cache off: every request asks.
      if (until > now) this.cache.set(token, entry, until);
      return entry;
    });
  }

  /** The identity of an active entry, rebuilt only when the policy table changed since. */
  identityOf(entry: IntrospectedToken): Identity {
    const policies = this.policies();
    if (entry.identity === null || entry.identityPolicies !== policies) {
      entry.identity = Object.freeze({
        mode: 'oauth2',
        id: entry.id,
        oauthClientId: entry.oauthClientId,
        expiresAt: entry.expiresAt,
        rights: this.rights.forPolicies(entry.policyIds, policies),
        meta: undefined,
        claims: undefined,
      });
      entry.identityPolicies = policies;
    }
    return entry.identity;
  }

  get size(): number {
    return this.cache.size;
  }

  /** Bus input is input too: an answer that is not a well-formed active introspection counts as inactive. */
  private entryOf(reply: TokenIntrospection): IntrospectedToken {
    if (reply === null || typeof reply !== 'object' || reply.active !== true) return INACTIVE;
    const { jti, client_id, sub, iss, aud, pol, exp } = reply;
    const wellFormed =
      typeof jti === 'string' &&
      typeof client_id === 'string' &&
      typeof sub === 'string' &&
      typeof iss === 'string' &&
      strings(aud) &&
      strings(pol) &&
      Number.isFinite(exp);
    if (!wellFormed) {
      this.onInvalid('auth.tokens.introspect answered a malformed introspection');
      return INACTIVE;
    }
    if (this.revocations.has(jti)) return INACTIVE;
    return {
      active: true,
      id: createHash('sha256').update(`${iss}\n${sub}`).digest('hex'),
      jti,
      oauthClientId: client_id,
      audiences: Object.freeze([...aud]),
      expiresAt: exp,
      policyIds: Object.freeze([...pol]),
      identity: null,
      identityPolicies: null,
    };
  }
}

function strings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

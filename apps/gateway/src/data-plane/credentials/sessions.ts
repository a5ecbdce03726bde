import type { KeyLookupKind, KeyLookupRequest } from '@portcullis/contracts';
import { validateSession, type Session } from '@portcullis/domain';
import type { AuthMode, Identity } from '../identity.js';
import { BoundedCache } from './bounded-cache.js';
import { Coalescer } from './coalescer.js';
import type { CredentialPorts, CredentialTimings } from './ports.js';
import type { PolicyTable, RightsCompiler } from './rights.js';

/** What the auth service said about one credential, as cached on this gateway. */
export interface SessionEntry {
  readonly found: boolean;
  /** SHA-256 of the key (hex): the identity's id, and what `auth.key.changed` names. */
  readonly keyHash: string;
  readonly session: Session | null;
  /** HMAC / OAuth 1.0a secrets needed to check signatures; never a password. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The identity last built from this entry, and the policy table it was built against. */
  identity: Identity | null;
  identityPolicies: PolicyTable | null;
}

const MAX_ENTRIES = 100_000;

/**
 * Sessions of keys, basic-auth users, HMAC keys and OAuth 1.0a consumers, looked up in the auth
 * service over the bus and cached: a hit is one Map lookup; a miss is one lookup per credential
 * however many requests wait for it (coalesced); a credential that does not exist is remembered
 * briefly, so a flood of wrong keys does not become a flood of lookups.
 */
export class SessionLookups {
  // One cache per kind, keyed by what was presented (hashed for basic auth): no key is built per request.
  private readonly caches: Record<KeyLookupKind, BoundedCache<SessionEntry>> = {
    key: new BoundedCache(MAX_ENTRIES),
    basic: new BoundedCache(MAX_ENTRIES),
    hmac: new BoundedCache(MAX_ENTRIES),
    oauth1: new BoundedCache(MAX_ENTRIES),
  };
  private readonly inFlight: Record<KeyLookupKind, Coalescer<SessionEntry>> = {
    key: new Coalescer(),
    basic: new Coalescer(),
    hmac: new Coalescer(),
    oauth1: new Coalescer(),
  };

  constructor(
    private readonly ports: CredentialPorts,
    private readonly timings: CredentialTimings,
    private readonly rights: RightsCompiler,
    private readonly policies: () => PolicyTable,
    private readonly onInvalid: (message: string) => void = () => undefined,
  ) {}

  cached(kind: KeyLookupKind, cacheKey: string): SessionEntry | undefined {
    return this.caches[kind].get(cacheKey, this.ports.now());
  }

  /** Asks the auth service (once per `cacheKey` at a time); rejects when it cannot be reached. */
  fetch(cacheKey: string, request: KeyLookupRequest, ttlMs = this.timings.sessionTtlMs): Promise<SessionEntry> {
    return this.inFlight[request.kind].run(cacheKey, async () => {
      const reply = await this.ports.lookup(request);
      // Bus input is input too: a session is validated (and its defaults filled) once per lookup.
      const checked = reply.found === true && typeof reply.key_hash === 'string' ? validateSession(withoutBasicAuthData(reply.session)) : null;
      if (checked !== null && !checked.ok) this.onInvalid(`auth.keys.lookup answered a malformed session for ${reply.key_hash}`);
      const found = checked !== null && checked.ok;
      const entry: SessionEntry = {
        found,
        keyHash: found ? reply.key_hash! : '',
        session: found ? checked.value : null,
        secrets: Object.freeze({ ...(reply.secrets ?? {}) }),
        identity: null,
        identityPolicies: null,
      };
      const now = this.ports.now();
      this.caches[request.kind].set(cacheKey, entry, now + (found ? ttlMs : this.timings.negativeTtlMs));
      return entry;
    });
  }

  /** `auth.key.changed`: forget everything cached for that key (every cache key it was found by). */
  dropKeyHash(keyHash: string): number {
    let dropped = 0;
    for (const cache of Object.values(this.caches)) dropped += cache.deleteWhere((entry) => entry.keyHash === keyHash);
    return dropped;
  }

  /** The identity of a found entry, rebuilt only when the policy table changed since. */
  identityOf(entry: SessionEntry, mode: AuthMode): Identity {
    const policies = this.policies();
    if (entry.identity === null || entry.identityPolicies !== policies || entry.identity.mode !== mode) {
      const session = entry.session!;
      entry.identity = Object.freeze({
        mode,
        id: entry.keyHash,
        oauthClientId: null,
        expiresAt: session.expires > 0 ? session.expires : 0,
        rights: this.rights.forSession(session, policies),
        meta: session.meta_data,
        // Every identity has the same keys in the same order: one hidden class for the steps that read them.
        claims: undefined,
      });
      entry.identityPolicies = policies;
    }
    return entry.identity;
  }

  get size(): number {
    return Object.values(this.caches).reduce((sum, cache) => sum + cache.size, 0);
  }
}

/**
 * The stored form of `basic_auth_data` carries no password (the domain schema requires one on the
 * way in), and the gateway has no use for it: left out before validating.
 */
function withoutBasicAuthData(session: unknown): unknown {
  if (session === null || typeof session !== 'object' || !('basic_auth_data' in session)) return session;
  const { basic_auth_data: _omitted, ...rest } = session as Record<string, unknown>;
  return rest;
}
